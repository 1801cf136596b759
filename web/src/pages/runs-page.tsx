import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { getFlow } from '../api/flows.api';
import { getExecution, listExecutions, rerunExecution, cancelExecution } from '../api/runs.api';
import { errorMessage } from '../api/client';
import { useAsync } from '../lib/use-async';
import { formatDuration, formatTime, formatUsage, formatUsd } from '../lib/format';
import { Empty, ErrorBox, Loading } from '../components/states';
import { StatusBadge } from '../components/status-badge';

const STATUSES = ['', 'queued', 'running', 'success', 'error', 'timeout', 'cancelled'];

// Execution history of one flow, newest first, with the selected run's steps beside it.
export function RunsPage() {
  const { id = '', executionId } = useParams();
  const [page, setPage] = useState(1);
  const [status, setStatus] = useState('');
  const flow = useAsync(() => getFlow(id), [id]);
  const runs = useAsync(() => listExecutions(id, page, status), [id, page, status]);

  return (
    <div className="flex h-full">
      <div className="min-w-0 flex-1 overflow-auto p-6">
        <div className="mb-4 flex items-center gap-3">
          <h1 className="text-2xl font-semibold">Runs{flow.data ? ` · ${flow.data.name}` : ''}</h1>
          <Link className="btn" to={`/flow/${id}`}>Editor</Link>
          <button type="button" className="btn" onClick={runs.reload}>Refresh</button>
          <label className="ml-auto text-sm">Status{' '}
            <select className="input inline-block w-auto" value={status} onChange={(e) => { setStatus(e.target.value); setPage(1); }}>
              {STATUSES.map((s) => <option key={s} value={s}>{s || 'all'}</option>)}
            </select>
          </label>
        </div>
        {runs.loading && !runs.data ? <Loading label="Loading runs…" /> : runs.error ? <ErrorBox message={runs.error} onRetry={runs.reload} /> :
          runs.data && runs.data.items.length === 0 ? <Empty title="No runs yet">Open the editor and press Run, or call the flow's webhook.</Empty> : (
            <>
              <table className="w-full text-left text-sm" data-testid="runs-table">
                <thead className="text-xs uppercase text-slate-500">
                  <tr><th className="py-2">Started</th><th>Status</th><th>Version</th><th>Target</th><th>Duration</th></tr>
                </thead>
                <tbody>
                  {runs.data?.items.map((r) => (
                    <tr key={r.id} className={`border-t border-slate-200 dark:border-slate-800 ${r.id === executionId ? 'bg-indigo-50 dark:bg-indigo-950' : ''}`}>
                      <td className="py-2"><Link className="text-indigo-600 hover:underline dark:text-indigo-400" to={`/flow/${id}/runs/${r.id}`}>{formatTime(r.startedAt)}</Link></td>
                      <td><StatusBadge status={r.status} testId="run-row-status" /></td>
                      <td>v{r.flowVersion}</td>
                      <td>{r.input?.target}</td>
                      <td>{formatDuration(r.durationMs)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <div className="mt-3 flex gap-2">
                <button type="button" className="btn" disabled={page <= 1} onClick={() => setPage(page - 1)}>Previous</button>
                <span className="self-center text-sm">Page {page} · {runs.data?.total} runs</span>
                <button type="button" className="btn" disabled={!runs.data?.hasMore} onClick={() => setPage(page + 1)}>Next</button>
              </div>
            </>
          )}
      </div>
      {executionId && <RunDetail flowId={id} executionId={executionId} onChanged={runs.reload} />}
    </div>
  );
}

function RunDetail({ flowId, executionId, onChanged }: { flowId: string; executionId: string; onChanged: () => void }) {
  const run = useAsync(() => getExecution(executionId), [executionId]);
  const navigate = useNavigate();
  const [open, setOpen] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const r = run.data;

  async function act(fn: () => Promise<void>) {
    setError(null);
    try { await fn(); } catch (e) { setError(errorMessage(e)); }
  }

  return (
    <aside aria-label="Run detail" className="w-[28rem] shrink-0 overflow-auto border-l border-slate-200 bg-white p-4 text-sm dark:border-slate-800 dark:bg-slate-900">
      {run.loading && !r ? <Loading /> : run.error ? <ErrorBox message={run.error} onRetry={run.reload} /> : r && (
        <div className="space-y-3">
          <div className="flex items-center gap-2">
            <h2 className="font-semibold">Run {r.id.slice(0, 8)}</h2>
            <StatusBadge status={r.status} testId="run-detail-status" />
            <Link className="ml-auto text-xs underline" to={`/flow/${flowId}/runs`}>Close</Link>
          </div>
          <dl className="grid grid-cols-[7rem_1fr] gap-1 text-xs">
            <dt className="text-slate-500">Started</dt><dd>{formatTime(r.startedAt)}</dd>
            <dt className="text-slate-500">Duration</dt><dd>{formatDuration(r.durationMs)}</dd>
            <dt className="text-slate-500">Version</dt><dd>v{r.flowVersion}</dd>
            <dt className="text-slate-500">Input</dt><dd><code className="break-all">{r.input?.payload}</code></dd>
            <dt className="text-slate-500">Output</dt><dd><code className="break-all" data-testid="run-output">{r.output ?? '—'}</code></dd>
            {r.error && <><dt className="text-slate-500">Error</dt><dd className="text-red-600">{r.error}</dd></>}
            {r.usage && r.usage.llmCalls > 0 && <><dt className="text-slate-500">LLM</dt><dd data-testid="run-usage">{formatUsage(r.usage)}</dd></>}
          </dl>
          <div className="flex gap-2">
            <button type="button" className="btn" onClick={() => act(async () => { const n = await rerunExecution(r.id); onChanged(); navigate(`/flow/${flowId}/runs/${n.executionId}`); })}>Re-run</button>
            {(r.status === 'queued' || r.status === 'running') && (
              <button type="button" className="btn btn-danger" onClick={() => act(async () => { await cancelExecution(r.id); run.reload(); onChanged(); })}>Cancel</button>
            )}
          </div>
          {error && <ErrorBox message={error} />}
          <h3 className="label">Steps</h3>
          <ol className="space-y-1">
            {(r.steps ?? []).map((s) => (
              <li key={s.index}>
                <button type="button" className="w-full text-left hover:underline" aria-expanded={open === s.index} onClick={() => setOpen(open === s.index ? null : s.index)}>
                  {s.index + 1}. {s.from} → {s.to} <span className="text-slate-500">{s.payloadType}</span>{s.status === 'unhandled' ? ' (unhandled)' : ''}
                  {s.usage && s.usage.llmCalls > 0 && <span className="ml-1 text-xs text-slate-500" data-testid="step-usage">{formatUsage(s.usage)}</span>}
                </button>
                {open === s.index && <pre className="whitespace-pre-wrap break-all rounded bg-slate-100 p-2 text-xs dark:bg-slate-800">{s.payload}{s.error ? `\n\n${s.error}` : ''}</pre>}
                {open === s.index && (r.usage?.calls ?? []).filter((c) => c.step === s.index).map((c, i) => (
                  <div key={i} className="mt-1 text-xs text-slate-500" data-testid="step-llm-call">
                    {c.agent}: {c.model} via {c.backend} · {c.promptTokens} + {c.completionTokens} tokens · {c.costUsd == null ? 'no price' : formatUsd(c.costUsd)} · {formatDuration(c.latencyMs)}{c.ok ? '' : ` · failed (${c.errorCode})`}
                  </div>
                ))}
              </li>
            ))}
          </ol>
        </div>
      )}
    </aside>
  );
}
