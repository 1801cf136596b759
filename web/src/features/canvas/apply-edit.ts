import type { CanvasNodeState, CanvasState, NodeKind, Position } from './graph.types';
import { addListener, addTrigger, connect, ensurePayloadClass, disconnect, FlowEditError, removeNode, renameNode, setNodeField, stringifyFlow } from './yaml-edits';
import { parseFlowYaml, triggerNodeId } from './yaml-to-graph';
import { keepFormatting } from './keep-formatting';

// A canvas gesture, expressed in the canvas's terms.
export type GraphEdit =
  | { type: 'addNode'; kind: NodeKind; position: Position; name?: string; settings?: Record<string, unknown>; payloadClasses?: Record<string, Record<string, string>> }
  | { type: 'removeNode'; id: string }
  | { type: 'connect'; source: string; target: string }
  | { type: 'disconnect'; source: string; target: string }
  | { type: 'rename'; id: string; name: string }
  | { type: 'move'; id: string; position: Position }
  | { type: 'setField'; id: string; path: string[]; value: unknown };

export interface EditResult {
  yaml: string;
  canvas: CanvasState;
  // The node the edit created or renamed, so the editor can select it.
  nodeId?: string;
}

function withNode(canvas: CanvasState, id: string, update: (n: CanvasNodeState | undefined) => CanvasNodeState | null): CanvasState {
  const nodes = [...(canvas.nodes ?? [])];
  const i = nodes.findIndex((n) => n.id === id);
  const next = update(i >= 0 ? nodes[i] : undefined);
  if (i >= 0) {
    if (next) nodes[i] = next;
    else nodes.splice(i, 1);
  } else if (next) {
    nodes.push(next);
  }
  return { ...canvas, nodes };
}

// Applies one canvas edit to the YAML text (through the comment-keeping Document) and the
// canvas state (positions). Throws FlowEditError for an edit that makes no sense, and when
// the YAML does not parse (the canvas is read-only until it does).
export function applyEdit(yaml: string, canvas: CanvasState | null | undefined, edit: GraphEdit): EditResult {
  let state: CanvasState = canvas ?? { nodes: [], edges: [], viewport: { x: 0, y: 0, zoom: 1 } };
  if (edit.type === 'move') {
    return { yaml, canvas: withNode(state, edit.id, (n) => ({ ...(n ?? { id: edit.id }), position: edit.position })) };
  }
  const parsed = parseFlowYaml(yaml);
  if (!parsed.ok) throw new FlowEditError('fix the YAML errors first: ' + parsed.problems[0].message);
  const doc = parsed.doc;
  const before = stringifyFlow(doc);
  let nodeId: string | undefined;
  switch (edit.type) {
    case 'addNode': {
      for (const [cls, fields] of Object.entries(edit.payloadClasses ?? {})) ensurePayloadClass(doc, cls, fields);
      nodeId = edit.kind === 'trigger' ? triggerNodeId(addTrigger(doc)) : addListener(doc, edit.kind, edit.name, edit.settings);
      const id = nodeId;
      state = withNode(state, id, () => ({ id, type: edit.kind, position: edit.position }));
      break;
    }
    case 'removeNode':
      removeNode(doc, edit.id);
      state = withNode(state, edit.id, () => null);
      break;
    case 'connect':
      connect(doc, edit.source, edit.target);
      break;
    case 'disconnect':
      disconnect(doc, edit.source, edit.target);
      break;
    case 'rename': {
      const id = renameNode(doc, edit.id, edit.name);
      nodeId = id;
      if (id !== edit.id) state = withNode(withNode(state, id, () => null), edit.id, (n) => (n ? { ...n, id } : null));
      break;
    }
    case 'setField':
      setNodeField(doc, edit.id, edit.path, edit.value);
      break;
  }
  return { yaml: keepFormatting(yaml, before, stringifyFlow(doc)), canvas: state, nodeId };
}
