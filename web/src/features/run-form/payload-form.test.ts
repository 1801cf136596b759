import { describe, expect, it } from 'vitest';
import { buildPayload, formFields } from './payload-form';

describe('payload form', () => {
  const fields = formFields({ text: 'string', n: 'int', ok: 'bool', items: 'list<Item>', note: 'optional<string>' });

  it('picks an input per field type', () => {
    expect(fields.map((f) => f.input)).toEqual(['text', 'number', 'bool', 'json', 'text']);
    expect(fields[4]).toMatchObject({ optional: true, type: 'string' });
  });

  it('builds the JSON payload, leaving empty optionals out', () => {
    expect(buildPayload(fields, { text: 'hi', n: '3', ok: true, items: '[{"a":1}]', note: '' })).toEqual({ text: 'hi', n: 3, ok: true, items: [{ a: 1 }] });
  });

  it('names the field that is wrong', () => {
    expect(() => buildPayload(fields, { n: 'x' })).toThrow(/n must be a number/);
    expect(() => buildPayload(fields, { items: '[' })).toThrow(/items must be JSON/);
  });
});
