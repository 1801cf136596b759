// The pure parts of the code block editor: the starter source, the WIT that describes a
// listener's payload class, and asc's diagnostics as editor markers.
import type { BuildDiagnostic } from '../../api/modules.api';

export const STARTER_SOURCE = `import { alloc, readInput, writeOutput, getString, stringify, log } from "nextra";
export { alloc };

// Called with each message's payload as JSON; answers the next payload as JSON.
export function handle(ptr: usize, len: i32): i64 {
  const input = readInput(ptr, len);
  log("received " + input);
  const text = getString(input, "text");
  return writeOutput(\`{"text":\${stringify(text.toUpperCase())}}\`);
}
`;

const WIT_TYPES: Record<string, string> = {
  string: 'string',
  bool: 'bool',
  int: 's64',
  integer: 's64',
  decimal: 'float64',
  float: 'float64',
  number: 'float64',
  'list<string>': 'list<string>',
};

const kebab = (s: string) =>
  s
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/_/g, '-')
    .toLowerCase();

// A WIT description whose `handle` takes and returns the listener's payload class (the
// server checks it against the module's exports at upload).
export function witForClass(className: string, fields: Record<string, string>): string {
  const record = kebab(className || 'payload');
  const members = Object.entries(fields)
    .map(([name, type]) => `${kebab(name)}: ${WIT_TYPES[String(type).trim()] ?? 'string'}`)
    .join(', ');
  return `package nextra:code@0.1.0;\ninterface code {\n  record ${record} { ${members} }\n  handle: func(input: ${record}) -> ${record};\n}\n`;
}

export interface EditorMarker {
  startLineNumber: number;
  startColumn: number;
  endLineNumber: number;
  endColumn: number;
  message: string;
  severity: 'error' | 'warning' | 'info';
}

// One marker per diagnostic of the user's file, spanning from its column to the end of the
// word there (asc underlines the token; the line's text is what we have).
export function diagnosticsToMarkers(diagnostics: BuildDiagnostic[], source: string): EditorMarker[] {
  const lines = source.split('\n');
  return diagnostics
    .filter((d) => d.line > 0 && (d.file === 'index.ts' || d.file === ''))
    .map((d) => {
      const line = Math.min(d.line, Math.max(lines.length, 1));
      const text = lines[line - 1] ?? '';
      const start = Math.max(1, d.column);
      let end = start;
      while (end - 1 < text.length && /[\w$]/.test(text[end - 1])) end++;
      return {
        startLineNumber: line,
        startColumn: start,
        endLineNumber: line,
        endColumn: Math.max(end, start + 1),
        message: d.message,
        severity: d.severity,
      };
    });
}

