import { useState, type FormEvent } from 'react';
import { Link, Navigate, useSearchParams } from 'react-router';
import { useSession } from '../stores/session.store';

// Log in, sign up, or the first start's one-time setup (/setup?token=… printed by nextra serve).
export function AuthPage({ mode }: { mode: 'login' | 'signup' | 'setup' }) {
  const session = useSession();
  const [params] = useSearchParams();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const next = params.get('next') || '/dashboard';

  if (session.status === 'signed-in') return <Navigate to={next} replace />;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    useSession.setState({ error: null });
    if (mode === 'login') await session.login(email, password);
    else if (mode === 'setup') await session.setup(params.get('token') ?? '', email, password, name);
    else await session.signup(email, password, name);
    setBusy(false);
  }

  const title = mode === 'login' ? 'Log in' : mode === 'setup' ? 'Create the administrator account' : 'Create your account';
  return (
    <div className="mx-auto mt-16 max-w-sm">
      <form className="card space-y-3" onSubmit={submit} aria-labelledby="auth-title">
        <h1 id="auth-title" className="text-xl font-semibold">{title}</h1>
        {mode === 'setup' && <p className="text-sm text-slate-500">This instance has no users yet. The account you create here owns it.</p>}
        {mode !== 'login' && (
          <div>
            <label className="label" htmlFor="name">Name</label>
            <input id="name" className="input" value={name} onChange={(e) => setName(e.target.value)} required autoComplete="name" />
          </div>
        )}
        <div>
          <label className="label" htmlFor="email">Email</label>
          <input id="email" type="email" className="input" value={email} onChange={(e) => setEmail(e.target.value)} required autoComplete="email" />
        </div>
        <div>
          <label className="label" htmlFor="password">Password</label>
          <input
            id="password" type="password" className="input" value={password} minLength={8} required
            onChange={(e) => setPassword(e.target.value)} autoComplete={mode === 'login' ? 'current-password' : 'new-password'}
          />
        </div>
        {session.error && <p role="alert" className="text-sm text-red-600">{session.error}</p>}
        <button type="submit" className="btn btn-primary w-full justify-center" disabled={busy}>
          {busy ? 'Please wait…' : title}
        </button>
        <p className="text-center text-sm text-slate-500">
          {mode === 'setup' ? null : mode === 'login' ? <>No account? <Link className="underline" to="/signup">Sign up</Link></> : <>Have an account? <Link className="underline" to="/login">Log in</Link></>}
        </p>
      </form>
    </div>
  );
}
