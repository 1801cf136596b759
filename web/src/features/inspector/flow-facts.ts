import { parseDocument } from 'yaml';

// What the inspector and the run form need to know about the flow, read from its YAML.
export interface FlowFacts {
  classes: Record<string, Record<string, string>>;
  listeners: Record<string, Record<string, unknown>>;
  triggers: Record<string, Record<string, unknown>>;
  listenerNames: string[];
}

function record(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

export function flowFacts(yaml: string): FlowFacts {
  const doc = parseDocument(yaml);
  const root = doc.errors.length ? {} : record(doc.toJS());
  const classes: FlowFacts['classes'] = {};
  for (const [name, fields] of Object.entries(record(root.payloads))) {
    classes[name] = Object.fromEntries(Object.entries(record(fields)).map(([k, v]) => [k, String(v)]));
  }
  const listeners: FlowFacts['listeners'] = {};
  for (const l of Array.isArray(root.listeners) ? root.listeners : []) {
    const r = record(l);
    if (typeof r.name === 'string') listeners[r.name] = r;
  }
  const triggers: FlowFacts['triggers'] = {};
  for (const t of Array.isArray(root.triggers) ? root.triggers : []) {
    const r = record(t);
    if (typeof r.name === 'string') triggers[r.name] = r;
  }
  return { classes, listeners, triggers, listenerNames: Object.keys(listeners) };
}
