import { useMemo, useState, type FormEvent } from 'react';
import { useFlowDocument } from '../../stores/flow-document.store';
import { useRun } from '../../stores/run.store';
import { injectPayload } from '../../api/runs.api';
import { errorMessage } from '../../api/client';
import { flowFacts } from '../inspector/flow-facts';
import { buildPayload, formFields } from './payload-form';
import { triggerNodeId } from '../canvas/yaml-to-graph';

// "Run": a form generated from the payload class of the chosen trigger's target.
export function RunDialog({ flowId, onClose }: { flowId: string; onClose: () => void }) {
  const yaml = useFlowDocument((s) => s.yaml);
  const facts = useMemo(() => flowFacts(yaml), [yaml]);
  const entries = useMemo(() => {
    const fromTriggers = Object.values(facts.triggers).map((t) => ({
      label: `${t.name} → ${String(t.target ?? facts.listenerNames[0] ?? '')}`,
      target: String(t.target ?? facts.listenerNames[0] ?? ''),
      node: triggerNodeId(String(t.name)),
    }));
    return fromTriggers.length ? fromTriggers : facts.listenerNames.slice(0, 1).map((n) => ({ label: n, target: n, node: undefined }));
  }, [facts]);
  const [entry, setEntry] = useState(0);
  const target = entries[entry]?.target ?? '';
  const cls = String(facts.listeners[target]?.payload_class ?? '');
  const fields = useMemo(() => formFields(facts.classes[cls] ?? {}), [facts, cls]);
  const [values, setValues] = useState<Record<string, string | boolean>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const watch = useRun((s) => s.watch);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const r = await injectPayload(flowId, target, buildPayload(fields, values));
      watch(r.executionId, entries[entry]?.node);
      onClose();
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  }

  return (
    <div role="dialog" aria-modal="true" aria-labelledby="run-title" className="fixed inset-0 z-50 flex items-center justify-center bg-black/40"
      onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <form onSubmit={submit} className="card w-[28rem] space-y-3">
        <h2 id="run-title" className="text-lg font-semibold">Run the flow</h2>
        {entries.length === 0 ? <p className="text-sm">The flow has no listeners to send to.</p> : (
          <>
            <div>
              <label className="label" htmlFor="run-entry">Trigger</label>
              <select id="run-entry" className="input" value={entry} onChange={(e) => { setEntry(Number(e.target.value)); setValues({}); }}>
                {entries.map((en, i) => <option key={i} value={i}>{en.label}</option>)}
              </select>
            </div>
            <p className="text-xs text-slate-500">Payload class <code>{cls || '?'}</code></p>
            {fields.map((f, i) => (
              <div key={f.name}>
                <label className="label" htmlFor={`run-f-${f.name}`}>{f.name} <span className="normal-case text-slate-400">({f.optional ? `optional ${f.type}` : f.type})</span></label>
                {f.input === 'bool' ? (
                  <input id={`run-f-${f.name}`} type="checkbox" checked={values[f.name] === true} onChange={(e) => setValues({ ...values, [f.name]: e.target.checked })} />
                ) : f.input === 'json' ? (
                  <textarea id={`run-f-${f.name}`} className="input font-mono" rows={3} value={String(values[f.name] ?? '')} onChange={(e) => setValues({ ...values, [f.name]: e.target.value })} />
                ) : (
                  <input id={`run-f-${f.name}`} autoFocus={i === 0} className="input" type={f.input === 'number' ? 'number' : 'text'} step="any"
                    value={String(values[f.name] ?? '')} onChange={(e) => setValues({ ...values, [f.name]: e.target.value })} />
                )}
              </div>
            ))}
          </>
        )}
        {error && <p role="alert" className="text-sm text-red-600">{error}</p>}
        <div className="flex justify-end gap-2">
          <button type="button" className="btn" onClick={onClose}>Cancel</button>
          <button type="submit" className="btn btn-primary" disabled={busy || !target}>{busy ? 'Sending…' : 'Run'}</button>
        </div>
      </form>
    </div>
  );
}
