import { create } from 'zustand';
import { subscribe, executionEventsPath } from '../api/events';
import type { ExecutionStatus, FlowEvent } from '../api/types';

// The execution being watched on the canvas, fed by its SSE stream: which listener is
// active, how many messages each node received and crossed each edge, and every step.
interface RunState {
  executionId: string | null;
  status: ExecutionStatus | null;
  error: string | null;
  output: string | null;
  steps: FlowEvent[];
  activeNode: string | null;
  received: Record<string, number>;
  edgeCounts: Record<string, number>;
  // triggerNode: the canvas node the run was started from, so its edge gets the first message.
  watch(executionId: string, triggerNode?: string): void;
  clear(): void;
}

let unsubscribe: (() => void) | null = null;

function edgeKey(from: string, to: string): string {
  return `${from}->${to}`;
}

export const useRun = create<RunState>()((set) => ({
  executionId: null,
  status: null,
  error: null,
  output: null,
  steps: [],
  activeNode: null,
  received: {},
  edgeCounts: {},

  watch(executionId, triggerNode) {
    unsubscribe?.();
    set({ executionId, status: 'queued', error: null, output: null, steps: [], activeNode: null, received: {}, edgeCounts: {} });
    unsubscribe = subscribe(executionEventsPath(executionId), (e) => {
      if (e.type === 'execution.started') set({ status: 'running' });
      if (e.type === 'step' && e.to) {
        const to = e.to;
        const from = e.index === 0 && triggerNode ? triggerNode : (e.from ?? '');
        set((s) => ({
          steps: [...s.steps, e],
          activeNode: to,
          received: { ...s.received, [to]: (s.received[to] ?? 0) + 1 },
          edgeCounts: { ...s.edgeCounts, [edgeKey(from, to)]: (s.edgeCounts[edgeKey(from, to)] ?? 0) + 1 },
        }));
      }
      if (e.type === 'execution.finished') {
        set({ status: e.status ?? 'success', error: e.error || null, output: e.output ?? null, activeNode: null });
      }
    });
  },

  clear() {
    unsubscribe?.();
    unsubscribe = null;
    set({ executionId: null, status: null, error: null, output: null, steps: [], activeNode: null, received: {}, edgeCounts: {} });
  },
}));
