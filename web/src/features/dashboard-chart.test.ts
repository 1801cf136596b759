import { describe, expect, it } from 'vitest';
import { bucketByDay } from './dashboard-chart';

describe('executions chart', () => {
  it('spreads the per-day counts from the server over the last 14 UTC days', () => {
    const days = bucketByDay(
      [
        { day: '2026-10-01', succeeded: 5, failed: 0, open: 0 },  // too old: left out
        { day: '2026-11-21', succeeded: 0, failed: 1, open: 0 },
        { day: '2026-11-22', succeeded: 1, failed: 1, open: 1 },
      ],
      new Date('2026-11-22T12:00:00.000Z'),
    );
    expect(days).toHaveLength(14);
    expect(days[13]).toEqual({ day: '2026-11-22', success: 1, failed: 1 });
    expect(days[12]).toEqual({ day: '2026-11-21', success: 0, failed: 1 });
    expect(days[0].day).toBe('2026-11-09');
  });
});
