import { isMap, isScalar, isSeq, YAMLMap, YAMLSeq, type Document, type Node } from 'yaml';
import type { NodeKind } from './graph.types';
import { kindInfo } from './node-kinds';
import { isTriggerId, TRIGGER_PREFIX } from './yaml-to-graph';

// Canvas edits as minimal edits of the YAML Document. Each function touches only the nodes
// it must, so comments, key order, flow/block style and keys the canvas does not know
// survive (decisions.md §3). All of them mutate `doc` in place.

export class FlowEditError extends Error {}

function seqAt(doc: Document, key: string, create: boolean): YAMLSeq | null {
  const v = doc.get(key, true);
  if (isSeq(v)) return v;
  if (!create) return null;
  const seq = new YAMLSeq();
  doc.set(key, seq);
  return seq;
}

function scalarText(n: unknown): string {
  return isScalar(n) ? String(n.value ?? '') : typeof n === 'string' ? n : '';
}

function entries(doc: Document, key: 'listeners' | 'triggers'): YAMLMap[] {
  const seq = seqAt(doc, key, false);
  return seq ? seq.items.filter((i): i is YAMLMap => isMap(i)) : [];
}

function findEntry(doc: Document, key: 'listeners' | 'triggers', name: string): YAMLMap | undefined {
  return entries(doc, key).find((m) => scalarText(m.get('name', true)) === name);
}

export function listenerNames(doc: Document): string[] {
  return entries(doc, 'listeners').map((m) => scalarText(m.get('name', true)));
}

export function triggerNames(doc: Document): string[] {
  return entries(doc, 'triggers').map((m) => scalarText(m.get('name', true)));
}

function requireListener(doc: Document, name: string): YAMLMap {
  const m = findEntry(doc, 'listeners', name);
  if (!m) throw new FlowEditError(`no listener named "${name}"`);
  return m;
}

function requireTrigger(doc: Document, name: string): YAMLMap {
  const m = findEntry(doc, 'triggers', name);
  if (!m) throw new FlowEditError(`no trigger named "${name}"`);
  return m;
}

export function uniqueName(taken: string[], base: string): string {
  const lower = new Set(taken.map((t) => t.toLowerCase()));
  for (let i = 1; ; i++) {
    const candidate = `${base}_${i}`;
    if (!lower.has(candidate.toLowerCase())) return candidate;
  }
}

// The class a new listener accepts: the first declared one, else a `Message` class we add.
function defaultPayloadClass(doc: Document): string {
  const payloads = doc.get('payloads', true);
  if (isMap(payloads) && payloads.items.length > 0) return scalarText(payloads.items[0].key);
  if (!isMap(payloads)) doc.set('payloads', doc.createNode({}));
  const map = doc.get('payloads', true) as YAMLMap;
  map.set('Message', doc.createNode({ text: 'string' }, { flow: true }));
  return 'Message';
}

// Appends a node to a sequence with the same blank-line spacing its neighbours use.
function appendSpaced(seq: YAMLSeq, node: Node): void {
  // An emptied list re-parses as `[]` (flow style); block items belong in a block list.
  if (seq.items.length === 0) seq.flow = false;
  if (seq.items.length > 1 && (seq.items[1] as Node).spaceBefore) node.spaceBefore = true;
  seq.items.push(node);
}

const BASE_NAMES: Record<NodeKind, string> = {
  trigger: 'trigger',
  llm: 'agent',
  http: 'request',
  code: 'code',
  branch: 'condition',
  output: 'output',
  transform: 'transform',
  tool: 'tool',
};

// Adds a payload class unless the flow has one of that name (an existing class is never
// changed). For code blocks added from a module, whose WIT names its classes.
export function ensurePayloadClass(doc: Document, name: string, fields: Record<string, string>): void {
  let payloads = doc.get('payloads', true);
  if (!isMap(payloads)) {
    doc.set('payloads', doc.createNode({}));
    payloads = doc.get('payloads', true);
  }
  const map = payloads as YAMLMap;
  if (map.items.some((p) => scalarText(p.key) === name)) return;
  map.set(name, doc.createNode(fields, { flow: true }));
}

// Adds a listener of `kind` with what the validator needs to accept it; returns its name.
// `settings` adds kind-specific keys (a code block's `wasm: {module}` from the palette).
export function addListener(doc: Document, kind: Exclude<NodeKind, 'trigger'>, wanted?: string, settings?: Record<string, unknown>): string {
  const name = wanted ?? uniqueName(listenerNames(doc), BASE_NAMES[kind]);
  if (listenerNames(doc).some((n) => n.toLowerCase() === name.toLowerCase())) {
    throw new FlowEditError(`a listener named "${name}" already exists`);
  }
  const payloadClass = defaultPayloadClass(doc);
  const info = kindInfo(kind);
  const value: Record<string, unknown> = {
    name,
    payload_class: payloadClass,
    handler: info.handler,
    description: info.hint,
  };
  if (kind === 'transform') value.transform = { payload: payloadClass, copy_matching: true };
  if (kind === 'branch') value.branch = { rules: [], default: { respond: true } };
  if (kind === 'llm') value.prompt = 'You are a helpful agent.';
  if (settings) Object.assign(value, settings);
  appendSpaced(seqAt(doc, 'listeners', true)!, doc.createNode(value) as Node);
  return name;
}

export function addTrigger(doc: Document, type: 'manual' | 'webhook' | 'schedule' = 'manual', target?: string): string {
  const name = uniqueName(triggerNames(doc), type);
  const value: Record<string, unknown> = { name, type };
  if (target) value.target = target;
  if (type === 'schedule') Object.assign(value, { cron: '0 * * * *', timezone: 'UTC' });
  appendSpaced(seqAt(doc, 'triggers', true)!, doc.createNode(value, { flow: true }) as Node);
  return name;
}

function removeFromSeq(seq: YAMLSeq, pred: (n: unknown) => boolean): void {
  for (let i = seq.items.length - 1; i >= 0; i--) if (pred(seq.items[i])) seq.items.splice(i, 1);
  // A blank line before the new first item would print as a stray indented line.
  const first = seq.items[0] as Node | undefined;
  if (first && first.spaceBefore) first.spaceBefore = false;
}

// An empty block list prints as a stray `[]` line; print it as `key: []` (or drop triggers).
function tidyIfEmpty(doc: Document, key: 'listeners' | 'triggers'): void {
  const seq = seqAt(doc, key, false);
  if (!seq || seq.items.length > 0) return;
  if (key === 'triggers') doc.delete(key);
  else seq.flow = true;
}

// Removes a node (listener or trigger) and every edge that points at it.
export function removeNode(doc: Document, id: string): void {
  if (isTriggerId(id)) {
    const name = id.slice(TRIGGER_PREFIX.length);
    requireTrigger(doc, name);
    removeFromSeq(seqAt(doc, 'triggers', false)!, (m) => isMap(m) && scalarText(m.get('name', true)) === name);
    tidyIfEmpty(doc, 'triggers');
    return;
  }
  requireListener(doc, id);
  removeFromSeq(seqAt(doc, 'listeners', false)!, (m) => isMap(m) && scalarText(m.get('name', true)) === id);
  tidyIfEmpty(doc, 'listeners');
  for (const l of entries(doc, 'listeners')) removePeer(l, id);
  for (const t of entries(doc, 'triggers')) if (scalarText(t.get('target', true)) === id) t.delete('target');
}

function removePeer(listener: YAMLMap, peer: string): boolean {
  const peers = listener.get('peers', true);
  if (!isSeq(peers)) return false;
  const before = peers.items.length;
  removeFromSeq(peers, (p) => scalarText(p) === peer);
  if (peers.items.length === 0) listener.delete('peers');
  return peers.items.length !== before;
}

// An edge source → target: a trigger's target, or a listener's peer (itself: a loop).
export function connect(doc: Document, source: string, target: string): void {
  if (isTriggerId(target)) throw new FlowEditError('a trigger cannot receive messages');
  requireListener(doc, target);
  if (isTriggerId(source)) {
    requireTrigger(doc, source.slice(TRIGGER_PREFIX.length)).set('target', target);
    return;
  }
  const listener = requireListener(doc, source);
  const peers = listener.get('peers', true);
  if (isSeq(peers)) {
    if (!peers.items.some((p) => scalarText(p) === target)) peers.add(doc.createNode(target));
    return;
  }
  const seq = doc.createNode([target], { flow: true });
  // peers sits right after description in the examples; keep that order for new keys.
  const idx = listener.items.findIndex((p) => scalarText(p.key) === 'description');
  const pair = doc.createPair('peers', seq);
  if (idx >= 0) listener.items.splice(idx + 1, 0, pair);
  else listener.items.push(pair);
}

export function disconnect(doc: Document, source: string, target: string): void {
  if (isTriggerId(source)) {
    const t = requireTrigger(doc, source.slice(TRIGGER_PREFIX.length));
    if (scalarText(t.get('target', true)) === target) t.delete('target');
    return;
  }
  removePeer(requireListener(doc, source), target);
}

function renameScalarsIn(node: unknown, keys: Set<string>, from: string, to: string): void {
  if (isMap(node)) {
    for (const pair of node.items) {
      if (keys.has(scalarText(pair.key)) && isScalar(pair.value) && pair.value.value === from) pair.value.value = to;
      else renameScalarsIn(pair.value, keys, from, to);
    }
  } else if (isSeq(node)) {
    for (const item of node.items) renameScalarsIn(item, keys, from, to);
  }
}

// Renames a node and every reference to it: peers, trigger targets, and `to:` in transform
// and branch rules. Returns the new node id.
export function renameNode(doc: Document, id: string, newName: string): string {
  if (!/^[a-zA-Z][a-zA-Z0-9_.-]*$/.test(newName)) throw new FlowEditError(`"${newName}" is not a valid name`);
  if (isTriggerId(id)) {
    const old = id.slice(TRIGGER_PREFIX.length);
    if (old !== newName && triggerNames(doc).includes(newName)) throw new FlowEditError(`a trigger named "${newName}" already exists`);
    requireTrigger(doc, old).set('name', newName);
    return TRIGGER_PREFIX + newName;
  }
  const taken = listenerNames(doc).filter((n) => n !== id).map((n) => n.toLowerCase());
  if (taken.includes(newName.toLowerCase())) throw new FlowEditError(`a listener named "${newName}" already exists`);
  requireListener(doc, id).set('name', newName);
  for (const l of entries(doc, 'listeners')) {
    const peers = l.get('peers', true);
    if (isSeq(peers)) for (const p of peers.items) if (isScalar(p) && p.value === id) p.value = newName;
    renameScalarsIn(l.get('transform', true), new Set(['to']), id, newName);
    renameScalarsIn(l.get('branch', true), new Set(['to', 'default']), id, newName);
  }
  for (const t of entries(doc, 'triggers')) {
    const target = t.get('target', true);
    if (isScalar(target) && target.value === id) target.value = newName;
  }
  return newName;
}

// Sets (or, with undefined / '', deletes) a key of a listener or trigger, e.g. from the inspector.
export function setNodeField(doc: Document, id: string, path: string[], value: unknown): void {
  const entry = isTriggerId(id) ? requireTrigger(doc, id.slice(TRIGGER_PREFIX.length)) : requireListener(doc, id);
  if (value === undefined || value === '') {
    entry.deleteIn(path);
    return;
  }
  const current = entry.getIn(path, true);
  if (isScalar(current) && (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')) {
    current.value = value;
    return;
  }
  entry.setIn(path, doc.createNode(value));
}

export function stringifyFlow(doc: Document): string {
  // lineWidth 0: never fold long strings (prompts, templates) into several lines.
  return doc.toString({ lineWidth: 0 });
}
