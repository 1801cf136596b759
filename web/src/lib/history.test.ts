import { describe, expect, it } from 'vitest';
import { emptyHistory, record, redo, undo } from './history';

describe('history', () => {
  it('undoes and redoes in order, and a new edit clears redo', () => {
    let h = emptyHistory<string>();
    h = record(h, 'a'); // a → b
    h = record(h, 'b'); // b → c
    const u1 = undo(h, 'c')!;
    expect(u1.value).toBe('b');
    const u2 = undo(u1.history, 'b')!;
    expect(u2.value).toBe('a');
    expect(undo(u2.history, 'a')).toBeNull();
    const r1 = redo(u2.history, 'a')!;
    expect(r1.value).toBe('b');
    expect(record(r1.history, 'b').future).toEqual([]);
  });
});
