import type { FlowEdge, FlowNode, Position } from './graph.types';

const COLUMN = 260;
const ROW = 140;

// A layered layout for nodes that have no saved position: triggers in the first column, each
// other node one column right of its furthest predecessor (loops ignored).
export function autoLayout(nodes: FlowNode[], edges: FlowEdge[]): Map<string, Position> {
  const depth = new Map<string, number>();
  for (const n of nodes) depth.set(n.id, n.kind === 'trigger' ? 0 : 1);
  // Bounded relaxation: a cycle cannot push a node further than the node count.
  for (let round = 0; round < nodes.length; round++) {
    let changed = false;
    for (const e of edges) {
      if (e.source === e.target) continue;
      const next = (depth.get(e.source) ?? 0) + 1;
      if (next > (depth.get(e.target) ?? 0) && next <= nodes.length) {
        depth.set(e.target, next);
        changed = true;
      }
    }
    if (!changed) break;
  }
  const perColumn = new Map<number, number>();
  const out = new Map<string, Position>();
  for (const n of nodes) {
    const col = depth.get(n.id) ?? 0;
    const row = perColumn.get(col) ?? 0;
    perColumn.set(col, row + 1);
    out.set(n.id, { x: 40 + col * COLUMN, y: 40 + row * ROW });
  }
  return out;
}
