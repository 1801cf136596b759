import { useMemo } from 'react';
import { useFlowDocument } from '../../stores/flow-document.store';
import { kindInfo } from '../canvas/node-kinds';
import { isTriggerId } from '../canvas/yaml-to-graph';
import type { FlowNode } from '../canvas/graph.types';
import type { GraphEdit } from '../canvas/apply-edit';
import { Field, Select } from './field';
import { flowFacts, type FlowFacts } from './flow-facts';
import { BranchRules } from './branch-rules';
import { CodeSettings } from '../code-block/code-settings';

const str = (v: unknown) => (v == null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));
const rec = (v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

// The side panel for the selected node: common listener settings, then the kind's own.
export function Inspector() {
  const graph = useFlowDocument((s) => s.graph);
  const yaml = useFlowDocument((s) => s.yaml);
  const selectedId = useFlowDocument((s) => s.selectedId);
  const edit = useFlowDocument((s) => s.edit);
  const editError = useFlowDocument((s) => s.editError);
  const facts = useMemo(() => flowFacts(yaml), [yaml]);
  const node = graph.nodes.find((n) => n.id === selectedId);

  return (
    <aside aria-label="Inspector" className="w-72 shrink-0 space-y-3 overflow-auto border-l border-slate-200 bg-white p-3 dark:border-slate-800 dark:bg-slate-900">
      {editError && <p role="alert" className="rounded bg-red-50 p-2 text-xs text-red-700 dark:bg-red-950 dark:text-red-300">{editError}</p>}
      {!node ? (
        <p className="text-sm text-slate-500">Select a node to edit it. Drag from a node's right handle to another node to let it send there.</p>
      ) : isTriggerId(node.id) ? (
        <TriggerInspector node={node} facts={facts} edit={edit} />
      ) : (
        <ListenerInspector node={node} facts={facts} edit={edit} />
      )}
    </aside>
  );
}

type Props = { node: FlowNode; facts: FlowFacts; edit: (e: GraphEdit) => void };

function TriggerInspector({ node, facts, edit }: Props) {
  const t = facts.triggers[node.name] ?? {};
  const set = (key: string) => (v: unknown) => edit({ type: 'setField', id: node.id, path: [key], value: v });
  return (
    <div className="space-y-3">
      <h2 className="font-semibold">Trigger</h2>
      <Field label="Name" value={node.name} onCommit={(v) => edit({ type: 'rename', id: node.id, name: v })} testId="inspector-name" />
      <Select label="Type" value={str(t.type) || 'manual'} options={['manual', 'webhook', 'schedule']} onCommit={set('type')} />
      <Select label="Target" value={str(t.target)} options={facts.listenerNames} onCommit={set('target')} />
      {str(t.type) === 'schedule' && (
        <>
          <Field label="Cron" value={str(t.cron)} onCommit={set('cron')} placeholder="0 * * * *" />
          <Field label="Time zone" value={str(t.timezone)} onCommit={set('timezone')} placeholder="UTC" />
        </>
      )}
      {str(t.type) === 'webhook' && <p className="text-xs text-slate-500">After saving, rotate the webhook's token from the API to get its URL.</p>}
    </div>
  );
}

function ListenerInspector({ node, facts, edit }: Props) {
  const l = facts.listeners[node.name] ?? {};
  const set = (path: string[]) => (v: unknown) => edit({ type: 'setField', id: node.id, path, value: v });
  const cls = facts.classes[node.payloadClass];
  const peers = Array.isArray(l.peers) ? l.peers.map(str) : [];
  return (
    <div className="space-y-3">
      <h2 className="font-semibold">{kindInfo(node.kind).label}</h2>
      <Field label="Name" value={node.name} onCommit={(v) => edit({ type: 'rename', id: node.id, name: v })} testId="inspector-name" />
      <Field label="Description" value={node.description} onCommit={set(['description'])} multiline />
      <Select label="Payload class" value={node.payloadClass} options={Object.keys(facts.classes)} onCommit={set(['payload_class'])} />
      {cls && (
        <ul className="rounded bg-slate-50 p-2 text-xs dark:bg-slate-800" aria-label="Payload fields">
          {Object.entries(cls).map(([f, t]) => <li key={f}><code>{f}</code>: {t}</li>)}
        </ul>
      )}
      <div>
        <span className="label">Peers</span>
        {peers.length === 0 ? <p className="text-xs text-slate-500">None: it can only answer its caller.</p> : (
          <ul className="space-y-1">
            {peers.map((p) => (
              <li key={p} className="flex items-center justify-between text-sm">
                <span>{p === node.name ? `${p} (loop)` : p}</span>
                <button type="button" className="text-xs text-red-600 underline" onClick={() => edit({ type: 'disconnect', source: node.id, target: p })} aria-label={`Remove peer ${p}`}>remove</button>
              </li>
            ))}
          </ul>
        )}
        <label className="sr-only" htmlFor="add-peer">Add a peer</label>
        <select id="add-peer" className="input mt-1" value="" onChange={(e) => e.target.value && edit({ type: 'connect', source: node.id, target: e.target.value })}>
          <option value="">Add a peer… (same as drawing an edge)</option>
          {facts.listenerNames.filter((n) => !peers.includes(n)).map((n) => <option key={n} value={n}>{n === node.name ? `${n} (loop)` : n}</option>)}
        </select>
      </div>
      <KindSettings node={node} l={l} facts={facts} set={set} edit={edit} />
      <Field label="Timeout (seconds)" value={str(l.timeout_seconds)} onCommit={(v) => set(['timeout_seconds'])(v === '' ? undefined : Number(v))} />
      <button type="button" className="btn btn-danger w-full justify-center" onClick={() => edit({ type: 'removeNode', id: node.id })}>Delete node</button>
    </div>
  );
}

function KindSettings({ node, l, facts, set, edit }: { node: FlowNode; l: Record<string, unknown>; facts: FlowFacts; set: (p: string[]) => (v: unknown) => void; edit: (e: GraphEdit) => void }) {
  switch (node.kind) {
    case 'llm':
      return (
        <>
          <Field label="Prompt" value={str(l.prompt)} onCommit={set(['prompt'])} multiline />
          <Field label="Model" value={str(l.model)} onCommit={set(['model'])} placeholder="default model" />
          <Field label="Temperature" value={str(l.temperature)} onCommit={(v) => set(['temperature'])(v === '' ? undefined : Number(v))} />
          {/* llm.respond: the class a final text answer goes back to the caller in; llm.mode: xml for models without tool calling */}
          <Select label="Answers its caller with" value={str(rec(l.llm).respond)} options={['', ...Object.keys(facts.classes)]} onCommit={(v) => set(['llm', 'respond'])(v === '' ? undefined : v)} />
          <Select label="Mode" value={str(rec(l.llm).mode) || 'tools'} options={['tools', 'xml']} onCommit={(v) => set(['llm', 'mode'])(v === 'tools' ? undefined : v)} />
        </>
      );
    case 'http': {
      const h = rec(l.http);
      return (
        <>
          <Select label="Method" value={str(h.method) || 'GET'} options={['GET', 'POST', 'PUT', 'PATCH', 'DELETE']} onCommit={set(['http', 'method'])} />
          <Field label="URL" value={str(h.url)} onCommit={set(['http', 'url'])} placeholder="https://…" />
        </>
      );
    }
    case 'code':
      return <CodeSettings node={node} module={str(rec(l.wasm).module)} tier={str(rec(l.wasm).tier)} fields={facts.classes[node.payloadClass] ?? {}} set={set} />;
    case 'transform': {
      const t = rec(l.transform);
      return (
        <>
          <Select label="Builds class" value={str(t.payload)} options={Object.keys(facts.classes)} onCommit={set(['transform', 'payload'])} />
          <Select label="Sends to" value={str(t.to)} options={['', ...facts.listenerNames]} onCommit={set(['transform', 'to'])} />
          {Object.entries(rec(t.fields)).map(([f, tpl]) => (
            <Field key={f} label={`Field ${f}`} value={str(tpl)} onCommit={set(['transform', 'fields', f])} />
          ))}
        </>
      );
    }
    case 'branch': {
      const b = rec(l.branch);
      const rules = Array.isArray(b.rules) ? b.rules.map(rec) : [];
      return <BranchRules id={node.id} rules={rules} targets={facts.listenerNames} edit={edit} />;
    }
    case 'output':
      return <p className="text-xs text-slate-500">The payload this node receives becomes the execution's result.</p>;
    default:
      return <p className="text-xs text-slate-500">Handler <code>{node.handler}</code>: edit its settings in the YAML.</p>;
  }
}
