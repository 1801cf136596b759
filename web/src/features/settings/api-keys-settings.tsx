import { useState, type FormEvent } from 'react';
import { createApiKey, listApiKeys, revokeApiKey } from '../../api/settings.api';
import { errorMessage } from '../../api/client';
import { useAsync } from '../../lib/use-async';
import { formatTime } from '../../lib/format';
import { Empty, ErrorBox, Loading } from '../../components/states';

export function ApiKeysSettings() {
  const keys = useAsync(() => listApiKeys(), []);
  const [name, setName] = useState('');
  const [created, setCreated] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function act(fn: () => Promise<unknown>) {
    setError(null);
    try { await fn(); keys.reload(); } catch (e) { setError(errorMessage(e)); }
  }

  async function create(e: FormEvent) {
    e.preventDefault();
    await act(async () => { const r = await createApiKey(name); setCreated(r.key); setName(''); });
  }

  return (
    <div className="space-y-4">
      <h1 className="text-xl font-semibold">API keys</h1>
      {error && <ErrorBox message={error} />}
      <form onSubmit={create} className="flex gap-2">
        <label htmlFor="key-name" className="sr-only">Key name</label>
        <input id="key-name" className="input" required placeholder="Key name, e.g. ci" value={name} onChange={(e) => setName(e.target.value)} />
        <button type="submit" className="btn btn-primary">Create key</button>
      </form>
      {created && (
        <div role="status" className="card text-sm">Copy your new key now; it is not shown again: <code className="break-all" data-testid="new-api-key">{created}</code></div>
      )}
      {keys.loading && !keys.data ? <Loading /> : keys.error ? <ErrorBox message={keys.error} onRetry={keys.reload} /> :
        keys.data?.items.length === 0 ? <Empty title="No API keys">Keys let scripts call the API as you.</Empty> : (
          <table className="w-full text-left text-sm">
            <thead className="text-xs uppercase text-slate-500"><tr><th className="py-2">Name</th><th>Prefix</th><th>Created</th><th>Last used</th><th /></tr></thead>
            <tbody>
              {keys.data?.items.map((k) => (
                <tr key={k.id} className="border-t border-slate-200 dark:border-slate-800">
                  <td className="py-2">{k.name}</td><td><code>{k.prefix}</code></td><td>{formatTime(k.createdAt)}</td><td>{formatTime(k.lastUsedAt)}</td>
                  <td className="text-right"><button type="button" className="btn btn-danger" onClick={() => confirm(`Revoke ${k.name}?`) && act(() => revokeApiKey(k.id))}>Revoke</button></td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
    </div>
  );
}
