export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms == null) return '—';
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

// Dollars with enough decimals that a single cheap LLM call does not show as $0.00.
export function formatUsd(usd: number): string {
  if (usd === 0) return '$0';
  if (usd >= 1) return `$${usd.toFixed(2)}`;
  return `$${usd.toPrecision(2).replace(/0+$/, '').replace(/\.$/, '')}`;
}

// "3 LLM calls · 1,500 tokens · $0.0075" (and how many calls had no price).
export function formatUsage(u: { llmCalls: number; promptTokens: number; completionTokens: number; costUsd: number; unpricedCalls: number }): string {
  const parts = [
    `${u.llmCalls} LLM call${u.llmCalls === 1 ? '' : 's'}`,
    `${(u.promptTokens + u.completionTokens).toLocaleString('en-US')} tokens`,
    formatUsd(u.costUsd),
  ];
  if (u.unpricedCalls > 0) parts.push(`${u.unpricedCalls} without a price`);
  return parts.join(' · ');
}
