import { useState, type FormEvent, useEffect } from 'react';
import { Link, useNavigate } from 'react-router';
import { createFlow, listFlows } from '../api/flows.api';
import { errorMessage } from '../api/client';
import { useAsync } from '../lib/use-async';
import { formatTime, formatUsd } from '../lib/format';
import { Empty, ErrorBox, Loading } from '../components/states';
import { StatusBadge } from '../components/status-badge';
import { ExecutionsChart } from '../features/dashboard-chart';
import { useSession } from '../stores/session.store';

// Flows allowed per plan (docs/api.md, "Tier limits"); only enforced by the server in SaaS mode.
const FLOW_LIMITS: Record<string, number | null> = { free: 1, paid: 10, pro: null, enterprise: null };

export function DashboardPage() {
  const me = useSession((s) => s.me);
  const refreshSession = useSession((s) => s.refresh);
  const navigate = useNavigate();
  // The usage card reads /api/me: fetch it again each time the dashboard opens.
  useEffect(() => {
    void refreshSession();
  }, [refreshSession]);
  const flows = useAsync(() => listFlows(), []);
  const [name, setName] = useState('');
  const [createError, setCreateError] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);

  async function create(e: FormEvent) {
    e.preventDefault();
    setCreating(true);
    setCreateError(null);
    try {
      const flow = await createFlow(name.trim() || 'Untitled flow');
      navigate(`/flow/${flow.id}`);
    } catch (err) {
      setCreateError(errorMessage(err));
      setCreating(false);
    }
  }

  const plan = me?.organization.plan ?? 'enterprise';
  const usage = me?.usage;
  const limit = usage ? usage.flowsLimit : FLOW_LIMITS[plan] ?? null;
  const executionsLimit = usage?.executionsLimit ?? null;

  return (
    <div className="mx-auto max-w-6xl space-y-6 p-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <h1 className="text-2xl font-semibold">Flows</h1>
        <form onSubmit={create} className="flex gap-2" aria-label="New flow">
          <label htmlFor="new-flow-name" className="sr-only">New flow name</label>
          <input id="new-flow-name" className="input w-64" placeholder="New flow name" value={name} onChange={(e) => setName(e.target.value)} />
          <button type="submit" className="btn btn-primary" disabled={creating}>{creating ? 'Creating…' : 'New flow'}</button>
        </form>
      </div>
      {createError && <ErrorBox message={createError} />}

      <div className="grid gap-4 md:grid-cols-3">
        <section className="card" aria-labelledby="usage-title">
          <h2 id="usage-title" className="label">Usage</h2>
          <p className="text-sm">Plan: <strong>{plan}</strong></p>
          <p className="text-sm">Flows: <strong>{flows.data?.total ?? '…'}</strong> of {limit === null ? 'unlimited' : limit}</p>
          {limit !== null && flows.data && (
            <progress className="mt-1 w-full" max={limit} value={Math.min(flows.data.total, limit)} aria-label="Flows used" />
          )}
          <p className="text-sm">
            Executions this month: <strong>{usage ? usage.executions : '…'}</strong>
            {' '}of {executionsLimit === null ? 'unlimited' : executionsLimit}
          </p>
          {executionsLimit !== null && usage && (
            <progress className="mt-1 w-full" max={executionsLimit} value={Math.min(usage.executions, executionsLimit)} aria-label="Executions used this month" />
          )}
          {usage && usage.llmCostUsd !== undefined && (
            <p className="text-sm" data-testid="llm-spend">
              LLM spend this month: <strong>{formatUsd(usage.llmCostUsd)}</strong>
              {' '}of {usage.llmCapUsd == null ? 'no cap' : formatUsd(usage.llmCapUsd)}
            </p>
          )}
        </section>
        <section className="card md:col-span-2" aria-labelledby="chart-title">
          <h2 id="chart-title" className="label">Executions</h2>
          {usage ? <ExecutionsChart daily={usage.daily} /> : <Loading />}
        </section>
      </div>

      {flows.loading && !flows.data ? (
        <Loading label="Loading flows…" />
      ) : flows.error ? (
        <ErrorBox message={flows.error} onRetry={flows.reload} />
      ) : flows.data && flows.data.items.length === 0 ? (
        <Empty title="No flows yet">Give your first flow a name above and press “New flow”.</Empty>
      ) : (
        <table className="w-full text-left text-sm">
          <thead className="text-xs uppercase text-slate-500">
            <tr><th className="py-2">Name</th><th>Status</th><th>Version</th><th>Updated</th><th><span className="sr-only">Links</span></th></tr>
          </thead>
          <tbody>
            {flows.data?.items.map((f) => (
              <tr key={f.id} className="border-t border-slate-200 dark:border-slate-800">
                <td className="py-2"><Link className="font-medium text-indigo-600 hover:underline dark:text-indigo-400" to={`/flow/${f.id}`}>{f.name}</Link></td>
                <td><StatusBadge status={f.status} /></td>
                <td>v{f.version}{f.liveVersion ? ` (live v${f.liveVersion})` : ''}</td>
                <td>{formatTime(f.updatedAt)}</td>
                <td className="text-right"><Link className="underline" to={`/flow/${f.id}/runs`}>Runs</Link></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
