import { lazy, Suspense, useEffect, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { ReactFlowProvider } from '@xyflow/react';
import { isDirty, useFlowDocument } from '../stores/flow-document.store';
import { useRun } from '../stores/run.store';
import { useUi, type EditorView } from '../stores/ui.store';
import { flowStatus, startFlow, stopFlow, validateYaml } from '../api/flows.api';
import { errorMessage } from '../api/client';
import type { FlowStatus } from '../api/types';
import { FlowCanvas } from '../features/canvas/canvas';
import { Palette } from '../features/canvas/palette';
import { Inspector } from '../features/inspector/inspector';
import { EditorToolbar } from '../features/editor-toolbar';
import { StatusBar } from '../features/status-bar';
import { LogsPanel } from '../features/runs/logs-panel';
import { VersionsPanel } from '../features/versions/versions-panel';
import { RunDialog } from '../features/run-form/run-dialog';
import { ErrorBox, Loading } from '../components/states';

// Monaco is large: load it only when the YAML view opens.
const YamlEditor = lazy(() => import('../features/code-editor/yaml-editor'));

const VALIDATE_DELAY_MS = 600;
const STATUS_POLL_MS = 3000;

export function FlowEditorPage({ view: routeView }: { view: EditorView }) {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const doc = useFlowDocument();
  const dark = useUi((s) => s.theme) === 'dark';
  const [view, setViewState] = useState<EditorView>(routeView);
  const [status, setStatus] = useState<FlowStatus>('stopped');
  const [busy, setBusy] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [runOpen, setRunOpen] = useState(false);
  const [versionsOpen, setVersionsOpen] = useState(false);

  useEffect(() => {
    void doc.load(id);
    return () => useRun.getState().clear();
  }, [id]);
  useEffect(() => setViewState((v) => (v === 'split' ? v : routeView)), [routeView]);
  useEffect(() => { if (doc.flow) setStatus(doc.flow.status); }, [doc.flow]);

  // The server's validator checks meaning (classes, peers, handlers); ask it after a pause in typing.
  useEffect(() => {
    if (!doc.flow || doc.parseProblems.length) return;
    const text = doc.yaml;
    const t = setTimeout(() => {
      validateYaml(text)
        .then((r) => { if (useFlowDocument.getState().yaml === text) doc.setServerProblems(r.problems); })
        .catch(() => undefined); // validation is advisory; Save reports real failures
    }, VALIDATE_DELAY_MS);
    return () => clearTimeout(t);
  }, [doc.yaml, doc.flow?.id]);

  useEffect(() => {
    const t = setInterval(() => { flowStatus(id).then((s) => setStatus(s.status)).catch(() => undefined); }, STATUS_POLL_MS);
    return () => clearInterval(t);
  }, [id]);

  function setView(v: EditorView) {
    setViewState(v);
    if (v === 'yaml') navigate(`/flow/${id}/yaml`);
    if (v === 'canvas') navigate(`/flow/${id}`);
  }

  async function saveIfDirty(): Promise<boolean> {
    if (!isDirty(useFlowDocument.getState())) return true;
    setBusy('save');
    const ok = await doc.save();
    setBusy(null);
    return ok;
  }

  async function act(name: 'start' | 'stop', fn: () => Promise<{ status: FlowStatus }>) {
    setActionError(null);
    if (name === 'start' && !(await saveIfDirty())) return;
    setBusy(name);
    try {
      setStatus((await fn()).status);
    } catch (e) {
      setActionError(errorMessage(e));
    } finally {
      setBusy(null);
    }
  }

  // Closing the tab with unsaved edits asks first (the browser shows its own wording).
  useEffect(() => {
    const onUnload = (e: BeforeUnloadEvent) => { if (isDirty(useFlowDocument.getState())) e.preventDefault(); };
    window.addEventListener('beforeunload', onUnload);
    return () => window.removeEventListener('beforeunload', onUnload);
  }, []);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey)) return;
      const inField = (e.target as HTMLElement)?.closest('input, textarea, .monaco-editor');
      if (e.key === 's') { e.preventDefault(); void saveIfDirty(); }
      else if (!inField && e.key.toLowerCase() === 'z') { e.preventDefault(); if (e.shiftKey) doc.redo(); else doc.undo(); }
      else if (!inField && e.key === 'y') { e.preventDefault(); doc.redo(); }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  if (doc.loadError) return <ErrorBox message={doc.loadError} onRetry={() => void doc.load(id)} />;
  if (!doc.flow || doc.flow.id !== id) return <Loading label="Loading the flow…" />;

  const showCanvas = view !== 'yaml';
  const showYaml = view !== 'canvas';
  return (
    <ReactFlowProvider>
      <div className="flex h-full flex-col">
        <EditorToolbar
          flowId={id} name={doc.flow.name} view={view} setView={setView} status={status} busy={busy}
          canUndo={doc.history.past.length > 0} canRedo={doc.history.future.length > 0}
          onSave={() => void saveIfDirty()} onUndo={doc.undo} onRedo={doc.redo}
          onRun={() => void saveIfDirty().then((ok) => ok && setRunOpen(true))}
          onStart={() => void act('start', () => startFlow(id))} onStop={() => void act('stop', () => stopFlow(id))}
          onVersions={() => setVersionsOpen((o) => !o)}
        />
        {(doc.saveError || actionError) && <ErrorBox message={(doc.saveError ?? actionError)!} />}
        <div className="flex min-h-0 flex-1">
          {showCanvas && <Palette />}
          {showCanvas && <div className="min-w-0 flex-1"><FlowCanvas dark={dark} layoutKey={view} /></div>}
          {showYaml && (
            <div className={`min-w-0 flex-1 ${showCanvas ? 'border-l border-slate-200 dark:border-slate-800' : ''}`} data-testid="yaml-pane">
              <Suspense fallback={<Loading label="Loading the editor…" />}>
                <YamlEditor value={doc.yaml} onChange={doc.setYaml} parseProblems={doc.parseProblems} serverProblems={doc.serverProblems}
                  dark={dark} onUndo={doc.undo} onRedo={doc.redo} onSave={() => void saveIfDirty()} />
              </Suspense>
            </div>
          )}
          {versionsOpen ? <VersionsPanel flowId={id} onClose={() => setVersionsOpen(false)} /> : showCanvas && <Inspector />}
        </div>
        <StatusBar showZoom={showCanvas} />
        <LogsPanel flowId={id} />
      </div>
      {runOpen && <RunDialog flowId={id} onClose={() => setRunOpen(false)} />}
    </ReactFlowProvider>
  );
}
