import { useEffect, useRef, useState } from 'react';
import Editor, { type OnMount } from '@monaco-editor/react';
import { monaco } from '../code-editor/monaco-setup';
import { modulesApi, type BuildResult, type RunResult, type WasmModule } from '../../api/modules.api';
import { errorMessage } from '../../api/client';
import { diagnosticsToMarkers, STARTER_SOURCE } from './code-block';
import { loadAssemblyScriptTypes } from './assemblyscript-types';

interface Props {
  listener: string;
  moduleName: string;  // the listener's wasm.module, may be empty
  wit: string;         // describes the listener's payload class
  samplePayload: string;
  dark: boolean;
  onDeployed: (module: WasmModule) => void;
  onClose: () => void;
}

const SEVERITY = { error: monaco.MarkerSeverity.Error, warning: monaco.MarkerSeverity.Warning, info: monaco.MarkerSeverity.Info };

// A code block's AssemblyScript: edited with the TypeScript service's live feedback, built by
// the server's asc (its errors become markers at their line and column), deployed as a new
// module version, and tried on a sample payload.
export default function CodeBlockEditor({ listener, moduleName, wit, samplePayload, dark, onDeployed, onClose }: Props) {
  const [source, setSource] = useState(STARTER_SOURCE);
  const [name, setName] = useState(moduleName || listener);
  const [version, setVersion] = useState('1.0.0');
  const [build, setBuild] = useState<BuildResult | null>(null);
  const [busy, setBusy] = useState<'' | 'build' | 'deploy' | 'run'>('');
  const [error, setError] = useState('');
  const [deployed, setDeployed] = useState<WasmModule | null>(null);
  const [payload, setPayload] = useState(samplePayload);
  const [run, setRun] = useState<RunResult | null>(null);
  const editorRef = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  loadAssemblyScriptTypes();

  // Start from the module's own source when it was built here, and suggest its next version.
  useEffect(() => {
    if (!moduleName) return;
    let cancelled = false;
    modulesApi.list().then(async ({ items }) => {
      const newest = items.find((m) => m.name === moduleName);
      if (!newest || cancelled) return;
      setVersion(nextVersion(newest.version));
      setDeployed(newest);
      if (newest.hasSource) {
        const full = await modulesApi.get(newest.id);
        if (!cancelled && full.source) setSource(full.source);
      }
    }).catch(() => undefined);
    return () => { cancelled = true; };
  }, [moduleName]);

  const setBuildMarkers = (result: BuildResult | null, text: string) => {
    const model = editorRef.current?.getModel();
    if (!model) return;
    const markers = result ? diagnosticsToMarkers(result.diagnostics, text).map((m) => ({ ...m, severity: SEVERITY[m.severity] })) : [];
    monaco.editor.setModelMarkers(model, 'asc', markers);
  };

  const onMount: OnMount = (editor) => {
    editorRef.current = editor;
  };

  async function doBuild(): Promise<BuildResult | null> {
    setBusy('build');
    setError('');
    try {
      const result = await modulesApi.build(source).catch((e) => {
        const details = (e as { details?: { diagnostics?: BuildResult['diagnostics'] } }).details;
        if (details?.diagnostics) return { ok: false, diagnostics: details.diagnostics } as BuildResult;
        throw e;
      });
      setBuild(result);
      setBuildMarkers(result, source);
      return result;
    } catch (e) {
      setError(errorMessage(e));
      return null;
    } finally {
      setBusy('');
    }
  }

  async function doDeploy() {
    const result = build?.ok ? build : await doBuild();
    if (!result?.ok || !result.wasmBase64) return;
    setBusy('deploy');
    setError('');
    try {
      const m = await modulesApi.create({ name, version, wit, wasmBase64: result.wasmBase64, source });
      setDeployed(m);
      setVersion(nextVersion(m.version));
      onDeployed(m);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy('');
    }
  }

  async function doRun() {
    if (!deployed) return;
    setBusy('run');
    setError('');
    setRun(null);
    try {
      setRun(await modulesApi.run(deployed.id, JSON.parse(payload)));
    } catch (e) {
      setError(e instanceof SyntaxError ? `The sample payload is not JSON: ${e.message}` : errorMessage(e));
    } finally {
      setBusy('');
    }
  }

  const errors = build?.diagnostics.filter((d) => d.severity === 'error') ?? [];
  return (
    <div role="dialog" aria-modal="true" aria-label={`Code of ${listener}`} data-testid="code-block-editor"
      className="fixed inset-0 z-50 flex items-center justify-center bg-slate-900/50 p-4"
      onKeyDown={(e) => { if (e.key === 'Escape') onClose(); }}>
      <div className="flex h-full max-h-[760px] w-full max-w-6xl flex-col rounded-lg bg-white shadow-xl dark:bg-slate-900">
        <header className="flex flex-wrap items-end gap-3 border-b border-slate-200 p-3 dark:border-slate-800">
          <h2 className="mr-auto text-base font-semibold">Code block <code>{listener}</code> (AssemblyScript)</h2>
          <label className="text-sm">Module <input className="input w-40" value={name} onChange={(e) => setName(e.target.value)} data-testid="module-name" /></label>
          <label className="text-sm">Version <input className="input w-24" value={version} onChange={(e) => setVersion(e.target.value)} data-testid="module-version" /></label>
          <button type="button" className="btn" disabled={busy !== ''} onClick={() => void doBuild()} data-testid="build-module">{busy === 'build' ? 'Building…' : 'Build'}</button>
          <button type="button" className="btn btn-primary" disabled={busy !== ''} onClick={() => void doDeploy()} data-testid="deploy-module">{busy === 'deploy' ? 'Deploying…' : 'Deploy'}</button>
          <button type="button" className="btn" onClick={onClose} aria-label="Close the code editor">Close</button>
        </header>
        <div className="flex min-h-0 flex-1">
          <div className="min-w-0 flex-1" data-testid="code-pane">
            <Editor
              value={source}
              language="typescript"
              path="file:///index.ts"
              theme={dark ? 'vs-dark' : 'vs'}
              onMount={onMount}
              onChange={(v) => { setSource(v ?? ''); setBuild(null); setBuildMarkers(null, ''); }}
              options={{ minimap: { enabled: false }, fontSize: 13, tabSize: 2, scrollBeyondLastLine: false, automaticLayout: true }}
              loading={<div role="status" className="p-4 text-sm text-slate-500">Loading the editor…</div>}
            />
          </div>
          <aside className="w-80 shrink-0 space-y-3 overflow-auto border-l border-slate-200 p-3 text-sm dark:border-slate-800" aria-label="Build and test">
            {error && <p role="alert" className="rounded bg-red-50 p-2 text-xs text-red-700 dark:bg-red-950 dark:text-red-300">{error}</p>}
            <section aria-label="Build result" data-testid="build-result">
              {!build ? <p className="text-xs text-slate-500">Build compiles with asc on the server; its errors appear in the code.</p>
                : build.ok ? <p className="text-green-700 dark:text-green-400">Built: {build.sizeBytes} bytes, exports {build.exports?.join(', ')}</p>
                  : (
                    <>
                      <p className="text-red-700 dark:text-red-400">{errors.length} {errors.length === 1 ? 'error' : 'errors'}</p>
                      <ul className="space-y-1 text-xs" data-testid="build-diagnostics">
                        {build.diagnostics.map((d, i) => <li key={i}><code>{d.line}:{d.column}</code> {d.message}</li>)}
                      </ul>
                    </>
                  )}
              {deployed && <p className="text-xs text-slate-500" data-testid="deployed-module">Deployed {deployed.name} {deployed.version}</p>}
            </section>
            <section aria-label="Test" className="space-y-2">
              <label className="label" htmlFor="code-sample">Sample payload (JSON)</label>
              <textarea id="code-sample" className="input font-mono" rows={5} value={payload} onChange={(e) => setPayload(e.target.value)} />
              <button type="button" className="btn w-full justify-center" disabled={!deployed || busy !== ''} onClick={() => void doRun()} data-testid="run-module">
                {busy === 'run' ? 'Running…' : deployed ? `Run ${deployed.name} ${deployed.version}` : 'Deploy to run'}
              </button>
              {run && (
                <div data-testid="run-result" className="space-y-1">
                  <pre className="overflow-auto rounded bg-slate-50 p-2 text-xs dark:bg-slate-800" data-testid="run-output">{JSON.stringify(run.output, null, 2)}</pre>
                  <p className="text-xs text-slate-500">Fuel {run.fuelUsed.toLocaleString()} · {(run.elapsedMicros / 1000).toFixed(2)} ms{run.to ? ` · to ${run.to}` : ''}</p>
                  {run.logs.length > 0 && <ul className="text-xs text-slate-500">{run.logs.map((l, i) => <li key={i}>log: {l}</li>)}</ul>}
                </div>
              )}
            </section>
          </aside>
        </div>
      </div>
    </div>
  );
}

function nextVersion(v: string): string {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(v);
  return m ? `${m[1]}.${m[2]}.${Number(m[3]) + 1}` : `${v}.1`;
}
