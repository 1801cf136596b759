import { useEffect, useState } from 'react';
import { useReactFlow } from '@xyflow/react';
import { NODE_KINDS } from './node-kinds';
import { useFlowDocument } from '../../stores/flow-document.store';
import { modulesApi, type WasmModule } from '../../api/modules.api';

export const PALETTE_MIME = 'application/nextra-node';
// Set beside PALETTE_MIME when the item is one of the organization's modules: the JSON of
// moduleNode(m).
export const PALETTE_MODULE_MIME = 'application/nextra-module';

// What adding a module's code block puts in the flow: the module, and the payload classes
// its WIT declares (added when missing), the listener accepting the input class.
export function moduleNode(m: WasmModule): { settings: Record<string, unknown>; payloadClasses: Record<string, Record<string, string>> } {
  const classes = m.payloadClasses;
  const payloadClasses: Record<string, Record<string, string>> = {};
  const settings: Record<string, unknown> = { wasm: { module: m.name } };
  if (classes) {
    payloadClasses[classes.input.name] = classes.input.fields;
    if (classes.output) payloadClasses[classes.output.name] = classes.output.fields;
    settings.payload_class = classes.input.name;
  }
  return { settings, payloadClasses };
}

type Tab = 'built-in' | 'marketplace' | 'custom';

// Node kinds to drag onto the canvas. Enter on an item adds it at the middle of the view,
// so the palette works without a mouse.
export function Palette() {
  const [tab, setTab] = useState<Tab>('built-in');
  const edit = useFlowDocument((s) => s.edit);
  const { screenToFlowPosition } = useReactFlow();

  const [modules, setModules] = useState<WasmModule[] | null>(null);
  useEffect(() => {
    if (tab !== 'custom') return;
    modulesApi.list().then((r) => setModules(newestOfEach(r.items))).catch(() => setModules([]));
  }, [tab]);

  function addAtCentre(kind: (typeof NODE_KINDS)[number]['kind'], module?: WasmModule) {
    const el = document.querySelector('[data-testid="canvas"]')?.getBoundingClientRect();
    const p = el ? screenToFlowPosition({ x: el.left + el.width / 2, y: el.top + el.height / 2 }) : { x: 0, y: 0 };
    edit({ type: 'addNode', kind, position: { x: Math.round(p.x), y: Math.round(p.y) }, ...(module ? moduleNode(module) : {}) });
  }

  const tabs: [Tab, string][] = [['built-in', 'Built-in'], ['marketplace', 'Marketplace'], ['custom', 'Custom']];
  return (
    <aside aria-label="Palette" className="flex w-48 shrink-0 flex-col border-r border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
      <div role="tablist" className="flex border-b border-slate-200 text-xs dark:border-slate-800">
        {tabs.map(([id, label]) => (
          <button key={id} role="tab" type="button" aria-selected={tab === id} onClick={() => setTab(id)}
            className={`flex-1 px-1 py-2 ${tab === id ? 'border-b-2 border-indigo-500 font-semibold' : 'text-slate-500'}`}>
            {label}
          </button>
        ))}
      </div>
      <div role="tabpanel" className="flex-1 space-y-1 overflow-auto p-2">
        {tab === 'built-in' &&
          NODE_KINDS.map((k) => (
            <button
              key={k.kind}
              type="button"
              draggable
              data-testid={`palette-${k.kind}`}
              title={`${k.hint}. Drag onto the canvas, or press Enter to add.`}
              onDragStart={(e) => { e.dataTransfer.setData(PALETTE_MIME, k.kind); e.dataTransfer.effectAllowed = 'copy'; }}
              onClick={() => addAtCentre(k.kind)}
              className="flex w-full cursor-grab items-center gap-2 rounded border border-slate-200 px-2 py-1.5 text-left text-sm hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
            >
              <span aria-hidden className="w-5 text-center">{k.icon}</span>
              {k.label}
            </button>
          ))}
        {tab === 'marketplace' && <p className="p-2 text-xs text-slate-500">Marketplace tools are coming soon.</p>}
        {tab === 'custom' && modules !== null && modules.length === 0 && (
          <p className="p-2 text-xs text-slate-500">Your organization's WASM modules appear here. Write one in a Code Block's editor, or upload one.</p>
        )}
        {tab === 'custom' &&
          modules?.map((m) => (
            <button
              key={m.id}
              type="button"
              draggable
              data-testid={`palette-module-${m.name}`}
              title={`Code Block running ${m.name} ${m.version}${m.payloadClasses ? `, takes ${m.payloadClasses.input.name}` : ''}. Drag onto the canvas, or press Enter to add.`}
              onDragStart={(e) => { e.dataTransfer.setData(PALETTE_MIME, 'code'); e.dataTransfer.setData(PALETTE_MODULE_MIME, JSON.stringify(moduleNode(m))); e.dataTransfer.effectAllowed = 'copy'; }}
              onClick={() => addAtCentre('code', m)}
              className="flex w-full cursor-grab flex-col rounded border border-slate-200 px-2 py-1.5 text-left text-sm hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
            >
              <span><span aria-hidden className="mr-2">⌘</span>{m.name}</span>
              <span className="text-xs text-slate-500">{m.version}{m.payloadClasses ? ` · ${m.payloadClasses.input.name}` : ''}</span>
            </button>
          ))}
      </div>
    </aside>
  );
}

// The palette offers each module once, at its newest version (what a `module:` name runs).
function newestOfEach(all: WasmModule[]): WasmModule[] {
  const seen = new Set<string>();
  return all.filter((m) => (seen.has(m.name) ? false : (seen.add(m.name), true)));
}
