import { Handle, Position, type NodeProps, type Node } from '@xyflow/react';
import type { FlowNode } from '../graph.types';
import { kindInfo } from '../node-kinds';

// What each React Flow node carries: the graph node plus the live-run decoration.
export type CanvasNodeData = FlowNode & { active: boolean; received: number; [key: string]: unknown };
export type CanvasRfNode = Node<CanvasNodeData>;

const handleClass = '!h-2.5 !w-2.5 !bg-indigo-500';

function Title({ data }: { data: CanvasNodeData }) {
  const info = kindInfo(data.kind);
  return (
    <>
      <div className="text-[10px] font-semibold uppercase tracking-wide text-slate-500">
        <span aria-hidden>{info.icon} </span>
        {data.kind === 'tool' ? data.handler : info.label}
      </div>
      <div className="max-w-[11rem] truncate text-sm font-semibold" data-testid="node-name">{data.name}</div>
    </>
  );
}

function ring(data: CanvasNodeData, selected: boolean): string {
  if (data.active) return 'ring-4 ring-amber-400';
  return selected ? 'ring-2 ring-indigo-500' : '';
}

function Count({ data }: { data: CanvasNodeData }) {
  if (!data.received) return null;
  return (
    <span className="absolute -right-2 -top-2 rounded-full bg-indigo-600 px-1.5 text-[10px] font-bold text-white" aria-label={`${data.received} messages received`}>
      {data.received}
    </span>
  );
}

const BOX_COLOURS: Record<string, string> = {
  llm: 'border-violet-400',
  http: 'border-sky-400',
  code: 'border-emerald-400',
  transform: 'border-slate-400',
  output: 'border-rose-400',
  tool: 'border-amber-400',
};

export function BoxNode({ data, selected }: NodeProps<CanvasRfNode>) {
  return (
    <div className={`relative min-w-[9rem] rounded-lg border-2 bg-white px-3 py-2 shadow-sm dark:bg-slate-900 ${BOX_COLOURS[data.kind] ?? ''} ${ring(data, selected)}`}>
      <Handle type="target" position={Position.Left} className={handleClass} />
      <Title data={data} />
      {data.payloadClass && <div className="text-[11px] text-slate-500">{data.payloadClass}</div>}
      {data.kind !== 'output' && <Handle type="source" position={Position.Right} className={handleClass} />}
      <Count data={data} />
    </div>
  );
}

export function TriggerNode({ data, selected }: NodeProps<CanvasRfNode>) {
  return (
    <div className={`relative flex h-24 w-24 flex-col items-center justify-center rounded-full border-2 border-indigo-400 bg-indigo-50 text-center dark:bg-indigo-950 ${ring(data, selected)}`}>
      <div className="text-[10px] font-semibold uppercase text-indigo-600 dark:text-indigo-300">{data.triggerType}</div>
      <div className="max-w-[5rem] truncate text-xs font-semibold" data-testid="node-name">{data.name}</div>
      <Handle type="source" position={Position.Right} className={handleClass} />
    </div>
  );
}

export function DiamondNode({ data, selected }: NodeProps<CanvasRfNode>) {
  return (
    <div className="relative flex h-28 w-28 items-center justify-center">
      <div className={`absolute inset-3 rotate-45 rounded-md border-2 border-orange-400 bg-orange-50 dark:bg-orange-950 ${ring(data, selected)}`} aria-hidden />
      <div className="relative text-center">
        <div className="text-[10px] font-semibold uppercase text-orange-600">◇ Conditional</div>
        <div className="max-w-[6rem] truncate text-xs font-semibold" data-testid="node-name">{data.name}</div>
      </div>
      <Handle type="target" position={Position.Left} className={handleClass} />
      <Handle type="source" position={Position.Right} className={handleClass} />
      <Count data={data} />
    </div>
  );
}

export const nodeTypes = {
  trigger: TriggerNode,
  branch: DiamondNode,
  llm: BoxNode,
  http: BoxNode,
  code: BoxNode,
  transform: BoxNode,
  output: BoxNode,
  tool: BoxNode,
};
