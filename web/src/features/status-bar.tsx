import { useViewport } from '@xyflow/react';
import { isDirty, useFlowDocument } from '../stores/flow-document.store';

// The editor's bottom line: zoom, node count, saved state and problem count.
export function StatusBar({ showZoom }: { showZoom: boolean }) {
  const { zoom } = useViewport();
  const nodes = useFlowDocument((s) => s.graph.nodes.length);
  const dirty = useFlowDocument(isDirty);
  const saving = useFlowDocument((s) => s.saving);
  const parse = useFlowDocument((s) => s.parseProblems);
  const server = useFlowDocument((s) => s.serverProblems);
  const errors = parse.length + server.filter((p) => p.severity === 'error').length;
  const warnings = server.filter((p) => p.severity === 'warning').length;
  return (
    <div className="flex h-7 shrink-0 items-center gap-4 border-t border-slate-200 bg-white px-3 text-xs text-slate-600 dark:border-slate-800 dark:bg-slate-900 dark:text-slate-300">
      {showZoom && <span>Zoom: {Math.round(zoom * 100)}%</span>}
      <span data-testid="node-count">Nodes: {nodes}</span>
      <span data-testid="save-state" aria-live="polite">Status: {saving ? 'Saving…' : dirty ? 'Unsaved' : 'Saved'}</span>
      <span className={errors ? 'text-red-600' : ''} data-testid="problem-count">
        {errors} error{errors === 1 ? '' : 's'}, {warnings} warning{warnings === 1 ? '' : 's'}
      </span>
      {parse[0] && <span className="truncate text-red-600">YAML line {parse[0].line}: {parse[0].message} — the canvas shows the last valid state</span>}
    </div>
  );
}
