import { NavLink, useParams } from 'react-router';
import { AccountSettings } from '../features/settings/account-settings';
import { MembersSettings } from '../features/settings/members-settings';
import { ApiKeysSettings } from '../features/settings/api-keys-settings';
import { SecretsSettings } from '../features/settings/secrets-settings';

const SECTIONS = [
  ['account', 'Account'],
  ['members', 'Members & roles'],
  ['api-keys', 'API keys'],
  ['secrets', 'Secrets'],
] as const;

export function SettingsPage() {
  const { section = 'account' } = useParams();
  return (
    <div className="mx-auto flex max-w-5xl gap-6 p-6">
      <nav aria-label="Settings" className="w-48 shrink-0 space-y-1">
        {SECTIONS.map(([id, label]) => (
          <NavLink key={id} to={`/settings/${id}`}
            className={({ isActive }) => `block rounded px-2 py-1 text-sm ${isActive || (id === 'account' && section === 'account') ? 'bg-slate-200 font-semibold dark:bg-slate-800' : ''}`}>
            {label}
          </NavLink>
        ))}
      </nav>
      <section className="min-w-0 flex-1">
        {section === 'members' ? <MembersSettings /> : section === 'api-keys' ? <ApiKeysSettings /> : section === 'secrets' ? <SecretsSettings /> : <AccountSettings />}
      </section>
    </div>
  );
}
