import { lazy, Suspense, useEffect, useState } from 'react';
import { modulesApi, type WasmModule } from '../../api/modules.api';
import { useUi } from '../../stores/ui.store';
import type { FlowNode } from '../canvas/graph.types';
import { Select } from '../inspector/field';
import { witForClass } from './code-block';

const CodeBlockEditor = lazy(() => import('./code-block-editor'));

interface Props {
  node: FlowNode;
  module: string;
  tier: string;
  fields: Record<string, string>;
  set: (path: string[]) => (v: unknown) => void;
}

// The inspector part of a code block: which of the organization's modules it runs, and the
// button that opens its AssemblyScript editor.
export function CodeSettings({ node, module, tier, fields, set }: Props) {
  const [modules, setModules] = useState<WasmModule[]>([]);
  const [open, setOpen] = useState(false);
  const dark = useUi((s) => s.theme) === 'dark';
  useEffect(() => {
    modulesApi.list().then((r) => setModules(r.items)).catch(() => setModules([]));
  }, [open]);
  const names = [...new Set(modules.map((m) => m.name))];
  const sample = JSON.stringify(Object.fromEntries(Object.entries(fields).map(([f, t]) => [f, t === 'string' ? 'hello' : t === 'bool' ? true : 1])), null, 2);
  return (
    <>
      <Select label="WASM module" value={module} options={names} onCommit={set(['wasm', 'module'])} />
      <Select label="Tier" value={tier || 'interpreter'} options={['interpreter', 'aot']} onCommit={(v) => set(['wasm', 'tier'])(v === 'interpreter' ? undefined : v)} />
      <button type="button" className="btn w-full justify-center" onClick={() => setOpen(true)} data-testid="edit-code">Edit code</button>
      {open && (
        <Suspense fallback={<div role="status" className="text-sm">Loading the code editor…</div>}>
          <CodeBlockEditor
            listener={node.name}
            moduleName={module}
            wit={witForClass(node.payloadClass, fields)}
            samplePayload={sample}
            dark={dark}
            onDeployed={(m) => { if (m.name !== module) set(['wasm', 'module'])(m.name); setModules((all) => [m, ...all]); }}
            onClose={() => setOpen(false)}
          />
        </Suspense>
      )}
    </>
  );
}
