import { useState, type FormEvent } from 'react';
import { inviteMember, listMembers, removeMember, setMemberRole } from '../../api/settings.api';
import { errorMessage } from '../../api/client';
import type { Role } from '../../api/types';
import { useAsync } from '../../lib/use-async';
import { useSession } from '../../stores/session.store';
import { ErrorBox, Loading } from '../../components/states';

const ROLES: Role[] = ['owner', 'admin', 'member', 'viewer'];

export function MembersSettings() {
  const me = useSession((s) => s.me)!;
  const orgId = me.organization.id;
  const members = useAsync(() => listMembers(orgId), [orgId]);
  const [error, setError] = useState<string | null>(null);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('member');
  const [invite, setInvite] = useState<string | null>(null);
  const canManage = me.role === 'owner' || me.role === 'admin';

  async function act(fn: () => Promise<unknown>) {
    setError(null);
    try { await fn(); members.reload(); } catch (e) { setError(errorMessage(e)); }
  }

  async function submitInvite(e: FormEvent) {
    e.preventDefault();
    await act(async () => { const r = await inviteMember(orgId, email, role); setInvite(r.token); setEmail(''); });
  }

  return (
    <div className="space-y-4">
      <h1 className="text-xl font-semibold">Members of {me.organization.name}</h1>
      {error && <ErrorBox message={error} />}
      {members.loading && !members.data ? <Loading /> : members.error ? <ErrorBox message={members.error} onRetry={members.reload} /> : (
        <table className="w-full text-left text-sm">
          <thead className="text-xs uppercase text-slate-500"><tr><th className="py-2">Name</th><th>Email</th><th>Role</th><th /></tr></thead>
          <tbody>
            {members.data?.items.map((m) => (
              <tr key={m.userId} className="border-t border-slate-200 dark:border-slate-800">
                <td className="py-2">{m.name}</td>
                <td>{m.email}</td>
                <td>
                  <select aria-label={`Role of ${m.email}`} className="input w-auto" value={m.role} disabled={!canManage} onChange={(e) => act(() => setMemberRole(orgId, m.userId, e.target.value as Role))}>
                    {ROLES.map((r) => <option key={r}>{r}</option>)}
                  </select>
                </td>
                <td className="text-right">
                  {(canManage || m.userId === me.user.id) && (
                    <button type="button" className="btn btn-danger" onClick={() => confirm(`Remove ${m.email}?`) && act(() => removeMember(orgId, m.userId))}>
                      {m.userId === me.user.id ? 'Leave' : 'Remove'}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {canManage && (
        <form onSubmit={submitInvite} className="card flex flex-wrap items-end gap-2">
          <div className="flex-1"><label className="label" htmlFor="invite-email">Invite by email</label>
            <input id="invite-email" type="email" required className="input" value={email} onChange={(e) => setEmail(e.target.value)} /></div>
          <div><label className="label" htmlFor="invite-role">Role</label>
            <select id="invite-role" className="input" value={role} onChange={(e) => setRole(e.target.value as Role)}>{ROLES.map((r) => <option key={r}>{r}</option>)}</select></div>
          <button type="submit" className="btn btn-primary">Invite</button>
          {invite && <p className="w-full text-xs">Send this invitation token (shown once): <code className="break-all">{invite}</code></p>}
        </form>
      )}
    </div>
  );
}
