import { describe, expect, it } from 'vitest';
import { bucketByDay } from './dashboard-chart';
import type { Execution } from '../api/types';

const run = (startedAt: string, status: Execution['status']) => ({ startedAt, status }) as Execution;

describe('executions chart', () => {
  it('counts successes and failures per UTC day over the last 14 days', () => {
    const days = bucketByDay(
      [run('2026-11-22T01:00:00.000Z', 'success'), run('2026-11-22T23:00:00.000Z', 'error'), run('2026-11-21T12:00:00.000Z', 'timeout'),
        run('2026-11-22T02:00:00.000Z', 'running'), run('2026-10-01T00:00:00.000Z', 'success')],
      new Date('2026-11-22T12:00:00.000Z'),
    );
    expect(days).toHaveLength(14);
    expect(days[13]).toEqual({ day: '2026-11-22', success: 1, failed: 1 });
    expect(days[12]).toEqual({ day: '2026-11-21', success: 0, failed: 1 });
    expect(days[0].day).toBe('2026-11-09');
  });
});
