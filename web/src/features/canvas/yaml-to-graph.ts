import { parseDocument, type Document } from 'yaml';
import type { CanvasState, FlowEdge, FlowGraph, FlowNode, Position } from './graph.types';
import { kindForHandler } from './node-kinds';
import { autoLayout } from './layout';

export const TRIGGER_PREFIX = 'trigger:';

export function triggerNodeId(name: string): string {
  return TRIGGER_PREFIX + name;
}

export function isTriggerId(id: string): boolean {
  return id.startsWith(TRIGGER_PREFIX);
}

export interface YamlProblem {
  line: number;
  column: number;
  message: string;
}

export type ParseResult = { ok: true; doc: Document } | { ok: false; problems: YamlProblem[] };

// Parses YAML text, keeping comments and layout (the Document API is what later edits work on).
export function parseFlowYaml(text: string): ParseResult {
  const doc = parseDocument(text, { keepSourceTokens: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((e) => ({
        line: e.linePos?.[0].line ?? 1,
        column: e.linePos?.[0].col ?? 1,
        message: e.message.split('\n')[0],
      })),
    };
  }
  return { ok: true, doc };
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : v == null ? '' : String(v);
}

function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function asRecord(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

// The graph the canvas draws: listeners and triggers as nodes, peers as edges (a listener
// that peers itself is a loop edge), each trigger wired to its target.
export function graphFromDocument(doc: Document, canvas: CanvasState | null | undefined): FlowGraph {
  const root = asRecord(doc.toJS());
  const listeners = asArray(root.listeners).map(asRecord).filter((l) => str(l.name) !== '');
  const nodes: FlowNode[] = [];
  const edges: FlowEdge[] = [];
  const names = new Set(listeners.map((l) => str(l.name)));

  for (const t of asArray(root.triggers).map(asRecord)) {
    const name = str(t.name);
    if (!name) continue;
    const id = triggerNodeId(name);
    nodes.push({
      id,
      kind: 'trigger',
      name,
      handler: '',
      payloadClass: '',
      description: str(t.type) || 'manual',
      triggerType: str(t.type) || 'manual',
      position: { x: 0, y: 0 },
    });
    // The server injects into the first listener when a trigger names no target.
    const target = str(t.target) || str(listeners[0]?.name);
    if (target && names.has(target)) edges.push({ id: `${id}->${target}`, source: id, target, kind: 'trigger' });
  }

  for (const l of listeners) {
    const name = str(l.name);
    const handler = str(l.handler);
    nodes.push({
      id: name,
      kind: kindForHandler(handler),
      name,
      handler,
      payloadClass: str(l.payload_class),
      description: str(l.description),
      position: { x: 0, y: 0 },
    });
    for (const peer of asArray(l.peers).map(str)) {
      // Edges to unknown listeners (or system primitives) have nothing to point at.
      if (!names.has(peer)) continue;
      edges.push({ id: `${name}->${peer}`, source: name, target: peer, kind: peer === name ? 'loop' : 'peer' });
    }
  }

  placeNodes(nodes, edges, canvas);
  return { nodes, edges };
}

function placeNodes(nodes: FlowNode[], edges: FlowEdge[], canvas: CanvasState | null | undefined): void {
  const saved = new Map<string, Position>();
  for (const n of canvas?.nodes ?? []) {
    if (n && typeof n.id === 'string' && n.position && Number.isFinite(n.position.x) && Number.isFinite(n.position.y)) {
      saved.set(n.id, { x: n.position.x, y: n.position.y });
    }
  }
  const computed = autoLayout(nodes, edges);
  const placed: Position[] = [];
  for (const n of nodes) {
    const s = saved.get(n.id);
    if (s) placed.push((n.position = s));
  }
  // A node added in the YAML goes in its layer's column, below whatever already sits there,
  // so it never lands on top of a node the user placed.
  for (const n of nodes) {
    if (saved.has(n.id)) continue;
    const c = computed.get(n.id) ?? { x: 0, y: 0 };
    const below = placed.filter((p) => Math.abs(p.x - c.x) < 180).reduce((y, p) => Math.max(y, p.y + 140), -Infinity);
    n.position = { x: c.x, y: Number.isFinite(below) ? Math.max(c.y, below) : c.y };
    placed.push(n.position);
  }
}

export function graphFromYaml(text: string, canvas?: CanvasState | null): { graph: FlowGraph } | { problems: YamlProblem[] } {
  const parsed = parseFlowYaml(text);
  if (!parsed.ok) return { problems: parsed.problems };
  return { graph: graphFromDocument(parsed.doc, canvas) };
}
