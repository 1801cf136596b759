import { BaseEdge, EdgeLabelRenderer, type EdgeProps } from '@xyflow/react';

// A listener that lists itself among its peers: drawn as an arc from the node's output
// handle over its top back to its input handle.
export function LoopEdge({ id, sourceX, sourceY, targetX, targetY, markerEnd, style, label }: EdgeProps) {
  const lift = 110;
  const path = `M ${sourceX} ${sourceY} C ${sourceX + 70} ${sourceY - lift}, ${targetX - 70} ${targetY - lift}, ${targetX} ${targetY}`;
  const midX = (sourceX + targetX) / 2;
  const midY = Math.min(sourceY, targetY) - lift * 0.75;
  return (
    <>
      <BaseEdge id={id} path={path} markerEnd={markerEnd} style={style} />
      <EdgeLabelRenderer>
        <div
          className="nodrag nopan pointer-events-none absolute rounded bg-white px-1 text-[10px] dark:bg-slate-900"
          style={{ transform: `translate(-50%, -50%) translate(${midX}px, ${midY}px)` }}
        >
          ↻ loop{label ? ` · ${label}` : ''}
        </div>
      </EdgeLabelRenderer>
    </>
  );
}
