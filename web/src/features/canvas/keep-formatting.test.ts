import { describe, expect, it } from 'vitest';
import { keepFormatting } from './keep-formatting';

describe('keepFormatting', () => {
  it('copies the untouched lines from the original text', () => {
    const original = 'a:   1   # spaced\nb: [x]\nc: 3\n';
    const before = 'a: 1 # spaced\nb: [ x ]\nc: 3\n';
    const after = 'a: 1 # spaced\nb: [ x ]\nc: 4\n';
    expect(keepFormatting(original, before, after)).toBe('a:   1   # spaced\nb: [x]\nc: 4\n');
  });

  it('keeps originals around inserted and deleted lines', () => {
    const original = 'x:  1\ny:  2\nz:  3\n';
    const before = 'x: 1\ny: 2\nz: 3\n';
    expect(keepFormatting(original, before, 'x: 1\nnew: 0\ny: 2\nz: 3\n')).toBe('x:  1\nnew: 0\ny:  2\nz:  3\n');
    expect(keepFormatting(original, before, 'x: 1\nz: 3\n')).toBe('x:  1\nz:  3\n');
  });

  it('falls back to the re-printed text when re-printing changed the line structure', () => {
    expect(keepFormatting('a: { b: 1,\n  c: 2 }\n', 'a: { b: 1, c: 2 }\n', 'a: { b: 1, c: 3 }\n')).toBe('a: { b: 1, c: 3 }\n');
  });
});
