import { Navigate, Outlet, useLocation } from 'react-router';
import { useSession } from '../stores/session.store';
import { ErrorBox, Loading } from '../components/states';

// Pages behind a sign-in: wait for /api/me, then show the page or send the user to log in.
export function RequireSession() {
  const { status, error, refresh } = useSession();
  const location = useLocation();
  if (status === 'unknown') return error ? <ErrorBox message={error} onRetry={refresh} /> : <Loading label="Checking your session…" />;
  if (status === 'signed-out') return <Navigate to={`/login?next=${encodeURIComponent(location.pathname)}`} replace />;
  return <Outlet />;
}
