import { useCallback, useEffect, useMemo, useState, type DragEvent } from 'react';
import {
  Background, Controls, MarkerType, MiniMap, ReactFlow, applyNodeChanges,
  useReactFlow, type Connection, type Edge, type Node, type NodeChange, type OnSelectionChangeParams,
} from '@xyflow/react';
import { useFlowDocument } from '../../stores/flow-document.store';
import { useRun } from '../../stores/run.store';
import { nodeTypes, type CanvasRfNode } from './nodes/flow-nodes';
import { LoopEdge } from './nodes/loop-edge';
import type { NodeKind } from './graph.types';
import { PALETTE_MIME, PALETTE_MODULE_MIME } from './palette';

const edgeTypes = { loop: LoopEdge };

// <ReactFlow> wiring only: the graph comes from the document store, every gesture goes back
// to it as a GraphEdit, and the live run only decorates.
export function FlowCanvas({ dark, layoutKey }: { dark: boolean; layoutKey: string }) {
  const graph = useFlowDocument((s) => s.graph);
  const selectedId = useFlowDocument((s) => s.selectedId);
  const edit = useFlowDocument((s) => s.edit);
  const select = useFlowDocument((s) => s.select);
  const { activeNode, received, edgeCounts } = useRun();
  const { screenToFlowPosition, fitView } = useReactFlow();
  const [nodes, setNodes] = useState<CanvasRfNode[]>([]);

  // The pane changes size when the YAML pane opens or closes: show the whole flow again.
  useEffect(() => {
    const t = requestAnimationFrame(() => void fitView({ maxZoom: 1.2 }));
    return () => cancelAnimationFrame(t);
  }, [layoutKey, fitView]);

  useEffect(() => {
    // Fresh node objects keep their measured size: React Flow draws edges only between
    // measured nodes, and a node whose size did not change is never measured again.
    setNodes((previous) => {
      const measured = new Map(previous.map((p) => [p.id, p.measured]));
      return graph.nodes.map((n) => ({
        id: n.id, type: n.kind, position: n.position, selected: n.id === selectedId,
        measured: measured.get(n.id),
        ariaLabel: `${n.kind} ${n.name}`,
        data: { ...n, active: n.id === activeNode, received: received[n.id] ?? 0 },
      }));
    });
  }, [graph, activeNode, received, selectedId]);

  const edges: Edge[] = useMemo(() => {
    return graph.edges.map((e) => {
      const count = edgeCounts[e.id] ?? 0;
      return {
        id: e.id, source: e.source, target: e.target,
        type: e.kind === 'loop' ? 'loop' : 'default',
        animated: e.kind === 'trigger',
        label: count ? String(count) : undefined,
        className: count ? 'active-edge' : undefined,
        markerEnd: { type: MarkerType.ArrowClosed },
      };
    });
  }, [graph, edgeCounts]);

  const onNodesChange = useCallback((changes: NodeChange<CanvasRfNode>[]) => {
    // Removals go through onDelete (they are YAML edits); everything else is local until the drag ends.
    setNodes((ns) => applyNodeChanges(changes.filter((c) => c.type !== 'remove'), ns));
  }, []);

  const onNodeDragStop = useCallback((_: unknown, __: Node, dragged: Node[]) => {
    for (const n of dragged) edit({ type: 'move', id: n.id, position: { x: Math.round(n.position.x), y: Math.round(n.position.y) } });
  }, [edit]);

  const onConnect = useCallback((c: Connection) => {
    if (c.source && c.target) edit({ type: 'connect', source: c.source, target: c.target });
  }, [edit]);

  const onDelete = useCallback(({ nodes: ns, edges: es }: { nodes: Node[]; edges: Edge[] }) => {
    const removed = new Set(ns.map((n) => n.id));
    for (const e of es) if (!removed.has(e.source) && !removed.has(e.target)) edit({ type: 'disconnect', source: e.source, target: e.target });
    for (const n of ns) edit({ type: 'removeNode', id: n.id });
  }, [edit]);

  const onSelectionChange = useCallback(({ nodes: ns }: OnSelectionChangeParams) => {
    const id = ns[0]?.id ?? null;
    if (id !== useFlowDocument.getState().selectedId) select(id);
  }, [select]);

  const onDrop = useCallback((e: DragEvent) => {
    const kind = e.dataTransfer.getData(PALETTE_MIME) as NodeKind;
    if (!kind) return;
    e.preventDefault();
    const p = screenToFlowPosition({ x: e.clientX, y: e.clientY });
    const module = e.dataTransfer.getData(PALETTE_MODULE_MIME);
    edit({ type: 'addNode', kind, position: { x: Math.round(p.x), y: Math.round(p.y) }, ...(module ? JSON.parse(module) : {}) });
  }, [edit, screenToFlowPosition]);

  return (
    <div className="h-full w-full" data-testid="canvas" onDragOver={(e) => { e.preventDefault(); e.dataTransfer.dropEffect = 'copy'; }} onDrop={onDrop}>
      <ReactFlow<CanvasRfNode, Edge>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={onNodesChange}
        onNodeDragStop={onNodeDragStop}
        onConnect={onConnect}
        onDelete={onDelete}
        onSelectionChange={onSelectionChange}
        colorMode={dark ? 'dark' : 'light'}
        deleteKeyCode={['Delete', 'Backspace']}
        fitView
        fitViewOptions={{ maxZoom: 1.2 }}
        proOptions={{ hideAttribution: true }}
      >
        <MiniMap pannable zoomable ariaLabel="Minimap" />
        <Controls />
        <Background />
      </ReactFlow>
    </div>
  );
}
