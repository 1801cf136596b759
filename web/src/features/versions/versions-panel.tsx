import { useState } from 'react';
import { diffVersions, listVersions, publishVersion, restoreVersion } from '../../api/flows.api';
import { errorMessage } from '../../api/client';
import type { FlowDiff } from '../../api/types';
import { useAsync } from '../../lib/use-async';
import { formatTime } from '../../lib/format';
import { isDirty, useFlowDocument } from '../../stores/flow-document.store';
import { ErrorBox, Loading } from '../../components/states';

// Version history: every save is a version; diff one against its predecessor, restore it
// (a new version with its content) or publish it (make it the live one).
export function VersionsPanel({ flowId, onClose }: { flowId: string; onClose: () => void }) {
  const flow = useFlowDocument((s) => s.flow);
  const replace = useFlowDocument((s) => s.replaceFromServer);
  const versions = useAsync(() => listVersions(flowId), [flowId, flow?.version, flow?.liveVersion]);
  const [diff, setDiff] = useState<FlowDiff | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function act(fn: () => Promise<void>) {
    setError(null);
    try {
      await fn();
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  return (
    <aside aria-label="Version history" className="w-80 shrink-0 overflow-auto border-l border-slate-200 bg-white p-3 text-sm dark:border-slate-800 dark:bg-slate-900">
      <div className="mb-2 flex items-center justify-between">
        <h2 className="font-semibold">Versions</h2>
        <button type="button" className="btn" onClick={onClose} aria-label="Close version history">✕</button>
      </div>
      {error && <ErrorBox message={error} />}
      {versions.loading && !versions.data ? <Loading /> : versions.error ? <ErrorBox message={versions.error} onRetry={versions.reload} /> : (
        <ul className="space-y-2">
          {versions.data?.items.map((v) => (
            <li key={v.version} className="rounded border border-slate-200 p-2 dark:border-slate-700">
              <div className="flex justify-between">
                <strong>v{v.version}{v.live ? ' · live' : ''}{v.version === flow?.version ? ' · latest' : ''}</strong>
                <span className="text-xs text-slate-500">{formatTime(v.createdAt)}</span>
              </div>
              {v.message && <p className="text-xs text-slate-500">{v.message}</p>}
              <div className="mt-1 flex gap-1">
                {v.version > 1 && <button type="button" className="btn" onClick={() => act(async () => setDiff(await diffVersions(flowId, v.version - 1, v.version)))}>Diff</button>}
                {v.version !== flow?.version && flow && (
                  <button type="button" className="btn" onClick={() => act(async () => {
                    if (isDirty(useFlowDocument.getState()) && !confirm('Restoring discards your unsaved changes. Continue?')) return;
                    replace(await restoreVersion(flowId, v.version, flow.version));
                  })}>Restore</button>
                )}
                {!v.live && <button type="button" className="btn" onClick={() => act(async () => { const f = await publishVersion(flowId, v.version); useFlowDocument.setState({ flow: f }); })}>Publish</button>}
              </div>
            </li>
          ))}
        </ul>
      )}
      {diff && (
        <div className="mt-3">
          <h3 className="label">v{diff.from} → v{diff.to}: +{diff.added} −{diff.removed}</h3>
          <pre className="overflow-auto rounded bg-slate-50 p-2 text-xs dark:bg-slate-800">
            {diff.hunks.flatMap((h) => h.lines).map((l, i) => (
              <div key={i} className={l.op === '+' ? 'bg-green-100 dark:bg-green-900' : l.op === '-' ? 'bg-red-100 dark:bg-red-900' : ''}>{l.op} {l.text}</div>
            ))}
          </pre>
        </div>
      )}
    </aside>
  );
}
