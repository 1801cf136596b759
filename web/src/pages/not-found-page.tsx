import { Link } from 'react-router';

export function NotFoundPage() {
  return (
    <div className="p-8">
      <h1 className="text-xl font-semibold">Page not found</h1>
      <Link className="mt-4 inline-block text-indigo-600 underline" to="/">Back to the start</Link>
    </div>
  );
}
