import type { NodeKind } from './graph.types';

// One row per node kind: how it maps to a listener handler and how the palette shows it.
export interface NodeKindInfo {
  kind: NodeKind;
  label: string;
  handler: string; // the `handler:` written for a new listener of this kind ('' for triggers)
  icon: string;
  hint: string;
}

export const NODE_KINDS: NodeKindInfo[] = [
  { kind: 'trigger', label: 'Trigger', handler: '', icon: '◎', hint: 'Where executions enter the flow' },
  { kind: 'llm', label: 'LLM Call', handler: 'llm', icon: '✦', hint: 'An agent that asks a model' },
  { kind: 'http', label: 'HTTP Request', handler: 'http', icon: '⇄', hint: 'Calls an HTTP endpoint' },
  { kind: 'code', label: 'Code Block', handler: 'wasm', icon: '⌘', hint: 'Runs a sandboxed WASM module' },
  { kind: 'branch', label: 'Conditional', handler: 'branch', icon: '◇', hint: 'Routes by rules' },
  { kind: 'transform', label: 'Transform', handler: 'transform', icon: '⇢', hint: 'Maps fields with templates' },
  { kind: 'output', label: 'Output', handler: 'output', icon: '■', hint: 'Ends the execution with a result' },
];

export function kindInfo(kind: NodeKind): NodeKindInfo {
  return NODE_KINDS.find((k) => k.kind === kind) ?? { kind, label: 'Tool', handler: kind, icon: '⚙', hint: '' };
}

export function kindForHandler(handler: string): NodeKind {
  switch (handler) {
    case 'llm':
      return 'llm';
    case 'http':
      return 'http';
    case 'wasm':
      return 'code';
    case 'branch':
      return 'branch';
    case 'output':
      return 'output';
    case 'transform':
      return 'transform';
    default:
      // tool:*, memory, flow:<id>: listeners the canvas draws generically.
      return 'tool';
  }
}
