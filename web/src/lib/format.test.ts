import { describe, expect, it } from 'vitest';
import { formatUsage, formatUsd } from './format';

describe('formatUsd', () => {
  it('keeps a cheap call visible instead of rounding it to nothing', () => {
    expect(formatUsd(0.0075)).toBe('$0.0075');
    expect(formatUsd(0.000123)).toBe('$0.00012');
    expect(formatUsd(0)).toBe('$0');
    expect(formatUsd(12.345)).toBe('$12.35');
  });
});

describe('formatUsage', () => {
  it('sums tokens and says how many calls had no price', () => {
    expect(formatUsage({ llmCalls: 1, promptTokens: 1000, completionTokens: 500, costUsd: 0.0075, unpricedCalls: 0 }))
      .toBe('1 LLM call · 1,500 tokens · $0.0075');
    expect(formatUsage({ llmCalls: 3, promptTokens: 10, completionTokens: 5, costUsd: 0, unpricedCalls: 3 }))
      .toBe('3 LLM calls · 15 tokens · $0 · 3 without a price');
  });
});
