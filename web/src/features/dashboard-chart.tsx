import type { DailyExecutions } from '../api/types';

const DAYS = 14;

// The server's per-day counts (days with none left out) spread over the last 14 UTC days.
export function bucketByDay(daily: DailyExecutions[], today: Date): { day: string; success: number; failed: number }[] {
  const days: { day: string; success: number; failed: number }[] = [];
  for (let i = DAYS - 1; i >= 0; i--) {
    const d = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - i));
    days.push({ day: d.toISOString().slice(0, 10), success: 0, failed: 0 });
  }
  for (const d of daily) {
    const bucket = days.find((b) => b.day === d.day);
    if (!bucket) continue;
    bucket.success += d.succeeded;
    bucket.failed += d.failed;
  }
  return days;
}

// Executions per day over the last two weeks, as stacked bars (green succeeded, red failed).
export function ExecutionsChart({ daily }: { daily: DailyExecutions[] }) {
  const days = bucketByDay(daily, new Date());
  const max = Math.max(1, ...days.map((d) => d.success + d.failed));
  const w = 56;
  const h = 120;
  return (
    <figure>
      <svg viewBox={`0 0 ${DAYS * w} ${h + 16}`} className="h-40 w-full" role="img" aria-label="Executions per day, last 14 days">
        {days.map((d, i) => {
          const sh = (d.success / max) * h;
          const fh = (d.failed / max) * h;
          return (
            <g key={d.day} transform={`translate(${i * w},0)`}>
              <title>{`${d.day}: ${d.success} succeeded, ${d.failed} failed`}</title>
              <rect x={8} y={h - sh} width={w - 16} height={sh} className="fill-green-500" />
              <rect x={8} y={h - sh - fh} width={w - 16} height={fh} className="fill-red-500" />
              <text x={w / 2} y={h + 12} textAnchor="middle" className="fill-slate-400 text-[10px]">{d.day.slice(8)}</text>
            </g>
          );
        })}
      </svg>
      <figcaption className="text-xs text-slate-500">Executions per day (UTC), last 14 days, counted by the server.</figcaption>
    </figure>
  );
}
