import { Link } from 'react-router';
import { StatusBadge } from '../components/status-badge';
import type { EditorView } from '../stores/ui.store';
import type { FlowStatus } from '../api/types';

interface Props {
  flowId: string;
  name: string;
  view: EditorView;
  setView: (v: EditorView) => void;
  status: FlowStatus;
  busy: string | null;
  canUndo: boolean;
  canRedo: boolean;
  onSave: () => void;
  onRun: () => void;
  onStart: () => void;
  onStop: () => void;
  onUndo: () => void;
  onRedo: () => void;
  onVersions: () => void;
}

export function EditorToolbar(p: Props) {
  const running = p.status === 'running' || p.status === 'starting';
  const viewButton = (v: EditorView, label: string) => (
    <button type="button" className={`btn ${p.view === v ? 'btn-primary' : ''}`} aria-pressed={p.view === v} onClick={() => p.setView(v)}>{label}</button>
  );
  return (
    <div role="toolbar" aria-label="Flow editor" className="flex flex-wrap items-center gap-2 border-b border-slate-200 bg-white px-3 py-2 dark:border-slate-800 dark:bg-slate-900">
      <h1 className="mr-2 max-w-[14rem] truncate font-semibold" title={p.name}>{p.name}</h1>
      <button type="button" className="btn btn-primary" onClick={p.onSave} disabled={p.busy === 'save'} title="Save (Ctrl+S)">{p.busy === 'save' ? 'Saving…' : 'Save'}</button>
      <button type="button" className="btn" onClick={p.onRun} title="Send a payload">Run</button>
      {running ? (
        <button type="button" className="btn" onClick={p.onStop} disabled={p.busy === 'stop'}>{p.busy === 'stop' ? 'Stopping…' : 'Stop'}</button>
      ) : (
        <button type="button" className="btn" onClick={p.onStart} disabled={p.busy === 'start'}>{p.busy === 'start' ? 'Starting…' : 'Start'}</button>
      )}
      <StatusBadge status={p.status} testId="flow-status" />
      <span className="mx-1 h-6 w-px bg-slate-300 dark:bg-slate-700" aria-hidden />
      <div className="flex gap-1" role="group" aria-label="View">
        {viewButton('yaml', 'YAML')}
        {viewButton('canvas', 'Canvas')}
        {viewButton('split', 'Split')}
      </div>
      <span className="mx-1 h-6 w-px bg-slate-300 dark:bg-slate-700" aria-hidden />
      <button type="button" className="btn" onClick={p.onUndo} disabled={!p.canUndo} title="Undo (Ctrl+Z)" aria-label="Undo">↶</button>
      <button type="button" className="btn" onClick={p.onRedo} disabled={!p.canRedo} title="Redo (Ctrl+Shift+Z)" aria-label="Redo">↷</button>
      <button type="button" className="btn" onClick={p.onVersions}>History</button>
      <Link className="btn ml-auto" to={`/flow/${p.flowId}/runs`}>Runs</Link>
    </div>
  );
}
