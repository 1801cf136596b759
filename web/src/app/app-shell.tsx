import { useEffect } from 'react';
import { Link, NavLink, Outlet, useNavigate } from 'react-router';
import { useSession } from '../stores/session.store';
import { useUi } from '../stores/ui.store';

function navClass({ isActive }: { isActive: boolean }) {
  return `rounded px-2 py-1 text-sm ${isActive ? 'bg-slate-200 font-semibold dark:bg-slate-800' : 'hover:bg-slate-100 dark:hover:bg-slate-900'}`;
}

export function AppShell() {
  const { me, status, refresh, logout } = useSession();
  const { theme, setTheme } = useUi();
  const navigate = useNavigate();
  useEffect(() => {
    if (status === 'unknown') void refresh();
  }, [status, refresh]);

  return (
    <div className="flex h-screen flex-col">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:p-2">
        Skip to content
      </a>
      <header className="flex h-12 shrink-0 items-center gap-3 border-b border-slate-200 bg-white px-4 dark:border-slate-800 dark:bg-slate-900">
        <Link to={me ? '/dashboard' : '/'} className="font-bold text-indigo-600 dark:text-indigo-400">
          Nextra
        </Link>
        {me && (
          <nav aria-label="Main" className="flex gap-1">
            <NavLink to="/dashboard" className={navClass}>Dashboard</NavLink>
            <NavLink to="/marketplace" className={navClass}>Marketplace</NavLink>
            <NavLink to="/settings" className={navClass}>Settings</NavLink>
          </nav>
        )}
        <div className="ml-auto flex items-center gap-2">
          <button
            type="button"
            className="btn"
            aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}
            onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')}
          >
            {theme === 'dark' ? '☀' : '☾'}
          </button>
          {me ? (
            <>
              <span className="text-sm text-slate-500" data-testid="current-user">{me.user.email}</span>
              <button type="button" className="btn" onClick={() => void logout().then(() => navigate('/'))}>
                Log out
              </button>
            </>
          ) : (
            <>
              <Link className="btn" to="/login">Log in</Link>
              <Link className="btn btn-primary" to="/signup">Sign up</Link>
            </>
          )}
        </div>
      </header>
      <main id="main" className="min-h-0 flex-1 overflow-auto">
        <Outlet />
      </main>
    </div>
  );
}
