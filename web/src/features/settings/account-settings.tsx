import { useSession } from '../../stores/session.store';
import { useUi } from '../../stores/ui.store';
import { formatTime } from '../../lib/format';

export function AccountSettings() {
  const me = useSession((s) => s.me);
  const { theme, setTheme } = useUi();
  if (!me) return null;
  return (
    <div className="card space-y-2 text-sm">
      <h1 className="text-xl font-semibold">Account</h1>
      <p>Name: <strong>{me.user.name}</strong></p>
      <p>Email: <strong>{me.user.email}</strong></p>
      <p>Member since {formatTime(me.user.createdAt)}</p>
      <p>Organization: <strong>{me.organization.name}</strong> ({me.role}, plan {me.organization.plan})</p>
      <label className="flex items-center gap-2">Theme
        <select className="input w-auto" value={theme} onChange={(e) => setTheme(e.target.value as 'light' | 'dark')}>
          <option value="light">Light</option>
          <option value="dark">Dark</option>
        </select>
      </label>
    </div>
  );
}
