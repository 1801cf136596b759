const COLOURS: Record<string, string> = {
  running: 'bg-green-100 text-green-800 dark:bg-green-900 dark:text-green-200',
  success: 'bg-green-100 text-green-800 dark:bg-green-900 dark:text-green-200',
  starting: 'bg-amber-100 text-amber-800 dark:bg-amber-900 dark:text-amber-200',
  stopping: 'bg-amber-100 text-amber-800 dark:bg-amber-900 dark:text-amber-200',
  queued: 'bg-amber-100 text-amber-800 dark:bg-amber-900 dark:text-amber-200',
  error: 'bg-red-100 text-red-800 dark:bg-red-900 dark:text-red-200',
  timeout: 'bg-red-100 text-red-800 dark:bg-red-900 dark:text-red-200',
  cancelled: 'bg-slate-200 text-slate-700 dark:bg-slate-800 dark:text-slate-300',
  stopped: 'bg-slate-200 text-slate-700 dark:bg-slate-800 dark:text-slate-300',
};

// A flow's or an execution's status as a coloured pill (text, so it reads without colour too).
export function StatusBadge({ status, testId }: { status: string; testId?: string }) {
  return (
    <span data-testid={testId} className={`inline-block rounded-full px-2 py-0.5 text-xs font-semibold ${COLOURS[status] ?? COLOURS.stopped}`}>
      {status}
    </span>
  );
}
