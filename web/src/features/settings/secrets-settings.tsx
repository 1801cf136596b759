import { useState, type FormEvent } from 'react';
import { deleteSecret, listSecrets, putSecret } from '../../api/settings.api';
import { errorMessage } from '../../api/client';
import { useAsync } from '../../lib/use-async';
import { formatTime } from '../../lib/format';
import { Empty, ErrorBox, Loading } from '../../components/states';

// Secrets are write-only: the list shows names and dates, never values.
export function SecretsSettings() {
  const secrets = useAsync(() => listSecrets(), []);
  const [name, setName] = useState('');
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);

  async function act(fn: () => Promise<unknown>) {
    setError(null);
    try { await fn(); secrets.reload(); } catch (e) { setError(errorMessage(e)); }
  }

  async function save(e: FormEvent) {
    e.preventDefault();
    await act(async () => { await putSecret(name, value); setName(''); setValue(''); });
  }

  return (
    <div className="space-y-4">
      <h1 className="text-xl font-semibold">Secrets</h1>
      <p className="text-sm text-slate-500">Refer to a secret in a flow as <code>{'${secret:NAME}'}</code>. Values are encrypted and never shown again.</p>
      {error && <ErrorBox message={error} />}
      <form onSubmit={save} className="card flex flex-wrap items-end gap-2">
        <div><label className="label" htmlFor="secret-name">Name</label><input id="secret-name" className="input" required value={name} onChange={(e) => setName(e.target.value)} /></div>
        <div className="flex-1"><label className="label" htmlFor="secret-value">Value</label><input id="secret-value" type="password" className="input" required value={value} onChange={(e) => setValue(e.target.value)} autoComplete="off" /></div>
        <button type="submit" className="btn btn-primary">Save secret</button>
      </form>
      {secrets.loading && !secrets.data ? <Loading /> : secrets.error ? <ErrorBox message={secrets.error} onRetry={secrets.reload} /> :
        secrets.data?.items.length === 0 ? <Empty title="No secrets yet" /> : (
          <table className="w-full text-left text-sm">
            <thead className="text-xs uppercase text-slate-500"><tr><th className="py-2">Name</th><th>Updated</th><th /></tr></thead>
            <tbody>
              {secrets.data?.items.map((s) => (
                <tr key={s.name} className="border-t border-slate-200 dark:border-slate-800">
                  <td className="py-2"><code>{s.name}</code></td><td>{formatTime(s.updatedAt)}</td>
                  <td className="text-right"><button type="button" className="btn btn-danger" onClick={() => confirm(`Delete ${s.name}?`) && act(() => deleteSecret(s.name))}>Delete</button></td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
    </div>
  );
}
