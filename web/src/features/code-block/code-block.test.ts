import { describe, expect, it } from 'vitest';
import { diagnosticsToMarkers, witForClass, witInputClass } from './code-block';

describe('code block', () => {
  it('puts each asc diagnostic at its line and column, spanning the word there', () => {
    const source = 'let a = 1;\nexport function handle(): i64 {\n  return notDefined;\n}\n';
    const markers = diagnosticsToMarkers(
      [
        { file: 'index.ts', line: 3, column: 10, message: "TS2304: Cannot find name 'notDefined'.", severity: 'error' },
        { file: '~lib/other.ts', line: 1, column: 1, message: 'elsewhere', severity: 'error' },
      ],
      source,
    );
    expect(markers).toEqual([
      { startLineNumber: 3, startColumn: 10, endLineNumber: 3, endColumn: 20, message: "TS2304: Cannot find name 'notDefined'.", severity: 'error' },
    ]);
  });

  it('describes the payload class in WIT for the upload check', () => {
    expect(witForClass('ShoutRequest', { text: 'string', times: 'int', loud: 'bool' })).toBe(
      'package nextra:code@0.1.0;\ninterface code {\n  record shout-request { text: string, times: s64, loud: bool }\n  handle: func(input: shout-request) -> shout-request;\n}\n',
    );
  });

  it('names the payload class a module takes, from its WIT, for the palette', () => {
    expect(witInputClass(witForClass('ShoutRequest', { text: 'string' }))).toBe('ShoutRequest');
    expect(witInputClass('interface x { record a { b: string } }')).toBe('');
  });
});
