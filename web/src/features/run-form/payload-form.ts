// Turns a payload class's declared fields into form inputs and the form's strings back into
// the JSON payload the inject API converts to the class (docs/api.md "inject").

export type InputKind = 'text' | 'number' | 'bool' | 'json';

export interface FormField {
  name: string;
  type: string;
  input: InputKind;
  optional: boolean;
}

export function formFields(fields: Record<string, string>): FormField[] {
  return Object.entries(fields).map(([name, raw]) => {
    const optional = /^optional<.*>$/.test(raw.trim());
    const type = optional ? raw.trim().slice(9, -1) : raw.trim();
    const input: InputKind =
      type === 'string' ? 'text' : type === 'int' || type === 'decimal' ? 'number' : type === 'bool' ? 'bool' : 'json';
    return { name, type, input, optional };
  });
}

export function buildPayload(fields: FormField[], values: Record<string, string | boolean>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const v = values[f.name];
    if (f.optional && (v === undefined || v === '')) continue;
    switch (f.input) {
      case 'bool':
        out[f.name] = v === true;
        break;
      case 'number': {
        const n = Number(v ?? 0);
        if (Number.isNaN(n)) throw new Error(`${f.name} must be a number`);
        out[f.name] = n;
        break;
      }
      case 'json':
        try {
          out[f.name] = JSON.parse(String(v || (f.type === 'dict' ? '{}' : f.type.startsWith('list<') ? '[]' : '{}')));
        } catch {
          throw new Error(`${f.name} must be JSON (${f.type})`);
        }
        break;
      default:
        out[f.name] = String(v ?? '');
    }
  }
  return out;
}
