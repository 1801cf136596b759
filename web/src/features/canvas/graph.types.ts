// The canvas's view model: what the editor draws. It is always derived from the flow's
// organism.yaml (the source of truth) plus the layout kept in the flow's canvasState.

export type NodeKind = 'trigger' | 'llm' | 'http' | 'code' | 'branch' | 'output' | 'transform' | 'tool';

export interface Position {
  x: number;
  y: number;
}

export interface FlowNode {
  // Listener nodes use the listener's name as id; triggers use "trigger:<name>" (a colon
  // cannot appear in a listener name, so the two never clash).
  id: string;
  kind: NodeKind;
  name: string;
  handler: string;
  payloadClass: string;
  description: string;
  triggerType?: string;
  position: Position;
}

export type EdgeKind = 'peer' | 'loop' | 'trigger';

export interface FlowEdge {
  id: string;
  source: string;
  target: string;
  kind: EdgeKind;
}

export interface FlowGraph {
  nodes: FlowNode[];
  edges: FlowEdge[];
}

export interface CanvasNodeState {
  id: string;
  type?: string;
  position: Position;
  [key: string]: unknown;
}

// Stored verbatim by the server; keys we do not know are kept.
export interface CanvasState {
  nodes?: CanvasNodeState[];
  edges?: unknown[];
  viewport?: { x: number; y: number; zoom: number };
  [key: string]: unknown;
}
