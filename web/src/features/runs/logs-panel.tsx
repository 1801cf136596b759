import { useEffect, useState } from 'react';
import { subscribe, flowLogsPath } from '../../api/events';
import type { FlowEvent } from '../../api/types';
import { useRun } from '../../stores/run.store';
import { StatusBadge } from '../../components/status-badge';

const MAX_LINES = 500;

function describe(e: FlowEvent): string {
  if (e.type === 'step') return `${e.from} → ${e.to} ${e.payloadType ?? ''}${e.unhandled ? ' (unhandled)' : ''}`;
  if (e.type === 'execution.started') return `execution ${e.executionId?.slice(0, 8)} started (${e.target ?? ''})`;
  if (e.type === 'execution.finished') return `execution ${e.executionId?.slice(0, 8)} ${e.status}${e.error ? ': ' + e.error : ''}`;
  return e.type;
}

// Bottom panel: the watched run's steps (click one for its payload) and the flow's live log.
export function LogsPanel({ flowId }: { flowId: string }) {
  const [lines, setLines] = useState<FlowEvent[]>([]);
  const [connected, setConnected] = useState(true);
  const [openStep, setOpenStep] = useState<number | null>(null);
  const run = useRun();
  const [open, setOpen] = useState(true);

  useEffect(() => {
    setLines([]);
    return subscribe(
      flowLogsPath(flowId),
      (e) => { setConnected(true); setLines((ls) => [...ls.slice(-MAX_LINES + 1), e]); },
      () => setConnected(false),
    );
  }, [flowId]);

  if (!open) {
    return (
      <section aria-label="Logs" className="shrink-0 border-t border-slate-200 px-2 py-1 text-xs dark:border-slate-800">
        <button type="button" className="underline" aria-expanded={false} onClick={() => setOpen(true)}>
          Show run and logs {run.status ? `(${run.status})` : ''}
        </button>
      </section>
    );
  }

  return (
    <section aria-label="Logs" className="relative grid h-44 shrink-0 grid-cols-2 border-t border-slate-200 text-xs dark:border-slate-800">
      <button type="button" className="absolute right-2 top-1 z-10 underline" aria-expanded onClick={() => setOpen(false)}>Hide</button>
      <div className="overflow-auto border-r border-slate-200 p-2 dark:border-slate-800">
        <h3 className="label flex items-center gap-2">
          Current run {run.status && <StatusBadge status={run.status} testId="run-status" />}
        </h3>
        {!run.executionId ? <p className="text-slate-500">Press Run to send a payload; its steps appear here and on the canvas.</p> : (
          <ol className="space-y-0.5">
            {run.steps.map((s, i) => (
              <li key={s.id}>
                <button type="button" className="w-full text-left font-mono hover:underline" aria-expanded={openStep === i} onClick={() => setOpenStep(openStep === i ? null : i)}>
                  {i + 1}. {s.from} → {s.to} <span className="text-slate-500">{s.payloadType}</span>
                </button>
                {openStep === i && <pre className="whitespace-pre-wrap break-all rounded bg-slate-100 p-1 dark:bg-slate-800">{s.payload}</pre>}
              </li>
            ))}
            {run.error && <li className="text-red-600">{run.error}</li>}
            {run.output && <li>Output: <code className="break-all">{run.output}</code></li>}
          </ol>
        )}
      </div>
      <div className="overflow-auto p-2" aria-live="polite">
        <h3 className="label">Flow log {connected ? '' : '(reconnecting…)'}</h3>
        {lines.length === 0 ? <p className="text-slate-500">No events yet.</p> : (
          <ul className="font-mono">
            {lines.map((e) => <li key={e.id}><span className="text-slate-400">{e.at?.slice(11, 23)}</span> {describe(e)}</li>)}
          </ul>
        )}
      </div>
    </section>
  );
}
