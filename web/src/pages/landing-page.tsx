import { Link } from 'react-router';
import { useSession } from '../stores/session.store';

export function LandingPage() {
  const { me } = useSession();
  return (
    <div className="mx-auto max-w-3xl px-6 py-16">
      <h1 className="text-4xl font-bold">Build AI agent workflows as message flows</h1>
      <p className="mt-4 text-lg text-slate-600 dark:text-slate-300">
        Draw listeners on a canvas — LLM calls, HTTP requests, code blocks, conditionals and outputs — and Nextra keeps the
        flow's <code>organism.yaml</code> in step with every edit. Start it, send it a payload, and watch each message move.
      </p>
      <div className="mt-8 flex gap-3">
        {me ? (
          <Link className="btn btn-primary" to="/dashboard">Open the dashboard</Link>
        ) : (
          <>
            <Link className="btn btn-primary" to="/signup">Create an account</Link>
            <Link className="btn" to="/login">Log in</Link>
          </>
        )}
      </div>
    </div>
  );
}
