import { create } from 'zustand';
import { applyEdit, type GraphEdit } from '../features/canvas/apply-edit';
import type { CanvasState, FlowGraph } from '../features/canvas/graph.types';
import { graphFromYaml, type YamlProblem } from '../features/canvas/yaml-to-graph';
import { ApiError, errorMessage } from '../api/client';
import { getFlow, saveFlow } from '../api/flows.api';
import type { Flow, Problem } from '../api/types';
import { emptyHistory, record, redo, undo, type History } from '../lib/history';

// The flow being edited. The YAML text is the truth; the graph is derived from it (plus the
// layout in `canvas`) whenever it parses, so the canvas and the YAML editor never disagree.

interface Snapshot {
  yaml: string;
  canvas: CanvasState;
}

export interface FlowDocumentState {
  flow: Flow | null;
  loadError: string | null;
  yaml: string;
  canvas: CanvasState;
  graph: FlowGraph;
  parseProblems: YamlProblem[];
  serverProblems: Problem[];
  saved: Snapshot;
  history: History<Snapshot>;
  saving: boolean;
  saveError: string | null;
  editError: string | null;
  selectedId: string | null;
  // Coalesces a burst of keystrokes in the YAML editor into one undo step.
  lastTypingAt: number;

  load(id: string): Promise<void>;
  setYaml(text: string): void;
  edit(e: GraphEdit): string | undefined;
  undo(): void;
  redo(): void;
  select(id: string | null): void;
  setServerProblems(p: Problem[]): void;
  save(message?: string): Promise<boolean>;
  replaceFromServer(flow: Flow): void;
}

const EMPTY_CANVAS: CanvasState = { nodes: [], edges: [], viewport: { x: 0, y: 0, zoom: 1 } };

function derive(yaml: string, canvas: CanvasState, previous: FlowGraph): { graph: FlowGraph; parseProblems: YamlProblem[] } {
  const r = graphFromYaml(yaml, canvas);
  return 'graph' in r ? { graph: r.graph, parseProblems: [] } : { graph: previous, parseProblems: r.problems };
}

// Canvas state as stored on the server: positions plus the edges, so other readers can draw it.
function canvasForSave(canvas: CanvasState, graph: FlowGraph): CanvasState {
  return {
    ...canvas,
    nodes: graph.nodes.map((n) => ({ ...(canvas.nodes?.find((c) => c.id === n.id) ?? {}), id: n.id, type: n.kind, position: n.position })),
    edges: graph.edges.map((e) => ({ id: e.id, source: e.source, target: e.target, kind: e.kind })),
  };
}

export const useFlowDocument = create<FlowDocumentState>()((set, get) => ({
  flow: null,
  loadError: null,
  yaml: '',
  canvas: EMPTY_CANVAS,
  graph: { nodes: [], edges: [] },
  parseProblems: [],
  serverProblems: [],
  saved: { yaml: '', canvas: EMPTY_CANVAS },
  history: emptyHistory(),
  saving: false,
  saveError: null,
  editError: null,
  selectedId: null,
  lastTypingAt: 0,

  async load(id) {
    set({ flow: null, loadError: null });
    try {
      get().replaceFromServer(await getFlow(id));
    } catch (e) {
      set({ loadError: errorMessage(e) });
    }
  },

  replaceFromServer(flow) {
    const canvas = flow.canvasState ?? EMPTY_CANVAS;
    const d = derive(flow.organismYaml, canvas, { nodes: [], edges: [] });
    set({
      flow, yaml: flow.organismYaml, canvas, ...d, saved: { yaml: flow.organismYaml, canvas },
      history: emptyHistory(), serverProblems: flow.warnings ?? [], saveError: null, editError: null, selectedId: null,
    });
  },

  setYaml(text) {
    const s = get();
    if (text === s.yaml) return;
    const now = Date.now();
    const history = now - s.lastTypingAt > 1000 ? record(s.history, { yaml: s.yaml, canvas: s.canvas }) : s.history;
    set({ yaml: text, history, lastTypingAt: now, editError: null, ...derive(text, s.canvas, s.graph) });
  },

  edit(e) {
    const s = get();
    try {
      const r = applyEdit(s.yaml, s.canvas, e);
      set({
        yaml: r.yaml, canvas: r.canvas, history: record(s.history, { yaml: s.yaml, canvas: s.canvas }),
        editError: null, lastTypingAt: 0, ...derive(r.yaml, r.canvas, s.graph),
      });
      if (r.nodeId) set({ selectedId: r.nodeId });
      if (e.type === 'removeNode' && s.selectedId === e.id) set({ selectedId: null });
      return r.nodeId;
    } catch (err) {
      set({ editError: errorMessage(err) });
      return undefined;
    }
  },

  undo() {
    const s = get();
    const r = undo(s.history, { yaml: s.yaml, canvas: s.canvas });
    if (r) set({ ...r.value, history: r.history, lastTypingAt: 0, ...derive(r.value.yaml, r.value.canvas, s.graph) });
  },

  redo() {
    const s = get();
    const r = redo(s.history, { yaml: s.yaml, canvas: s.canvas });
    if (r) set({ ...r.value, history: r.history, lastTypingAt: 0, ...derive(r.value.yaml, r.value.canvas, s.graph) });
  },

  select(id) {
    set({ selectedId: id });
  },

  setServerProblems(p) {
    set({ serverProblems: p });
  },

  async save(message) {
    const s = get();
    if (!s.flow || s.saving) return false;
    set({ saving: true, saveError: null });
    const canvas = canvasForSave(s.canvas, s.graph);
    try {
      const flow = await saveFlow(s.flow.id, { version: s.flow.version, organismYaml: s.yaml, canvasState: canvas, message });
      // Keep what the user typed since the request left; only the baseline moves.
      set({ flow, saved: { yaml: s.yaml, canvas: s.canvas }, saving: false, serverProblems: flow.warnings ?? [] });
      return true;
    } catch (e) {
      if (e instanceof ApiError && e.code === 'schema_violation') {
        set({ serverProblems: (e.details.problems as Problem[]) ?? [] });
      }
      const msg = e instanceof ApiError && e.code === 'conflict'
        ? `${e.message}. Reload to see the newer version (your text stays in the YAML view until you do).`
        : errorMessage(e);
      set({ saving: false, saveError: msg });
      return false;
    }
  },
}));

export function isDirty(s: Pick<FlowDocumentState, 'yaml' | 'canvas' | 'saved'>): boolean {
  return s.yaml !== s.saved.yaml || JSON.stringify(s.canvas.nodes ?? []) !== JSON.stringify(s.saved.canvas.nodes ?? []);
}
