// Shapes of the control plane's JSON (docs/api.md). Only the fields the UI reads are typed.
import type { CanvasState } from '../features/canvas/graph.types';

export interface User { id: string; email: string; name: string; createdAt: string }
export interface Organization { id: string; name: string; plan: string; createdAt: string; role?: Role }
export type Role = 'owner' | 'admin' | 'member' | 'viewer';

export interface AuthResponse { user: User; organization: Organization; csrfToken: string }
export interface DailyExecutions { day: string; succeeded: number; failed: number; open: number }
export interface Me {
  user: User;
  organization: Organization;
  role: Role;
  organizations: Organization[];
  authMethod: 'session' | 'api_key' | 'bearer';
  csrfToken?: string;
  // This month's usage against the plan, counted by the server (null limit = unlimited).
  usage?: { month: string; daily: DailyExecutions[]; executions: number; executionsLimit: number | null; flows: number; flowsLimit: number | null; limitsEnforced: boolean; llmCostUsd?: number; llmCapUsd?: number | null };
}

export type FlowStatus = 'stopped' | 'starting' | 'running' | 'stopping' | 'error';

export interface Problem { line: number; column: number; field: string; message: string; severity: 'error' | 'warning' }

export interface FlowSummary {
  id: string; name: string; description: string; status: FlowStatus;
  version: number; liveVersion: number | null; createdAt: string; updatedAt: string;
}
export interface Flow extends FlowSummary {
  organismYaml: string;
  canvasState: CanvasState | null;
  errorMessage: string | null;
  warnings: Problem[];
}

export interface Page<T> { items: T[]; total: number; page: number; pageSize: number; hasMore: boolean }

export interface FlowVersionSummary { flowId: string; version: number; authorId: string; message: string; createdAt: string; live: boolean }
export interface FlowVersion extends FlowVersionSummary { organismYaml: string; canvasState: CanvasState | null }

export interface DiffLine { op: ' ' | '-' | '+'; text: string; oldLine: number | null; newLine: number | null }
export interface FlowDiff { flowId: string; from: number; to: number; added: number; removed: number; unified: string; hunks: { lines: DiffLine[] }[] }

export interface Trigger {
  id: string; flowId: string; name: string; type: 'webhook' | 'schedule' | 'manual';
  config: Record<string, unknown> & { target?: string }; enabled: boolean;
}

export interface FlowRunStatus {
  status: FlowStatus; errorMessage: string | null; version: number | null; stoppedByUser: boolean;
  idle: boolean; startedAt: string | null; runningExecutions: number;
}

export type ExecutionStatus = 'queued' | 'running' | 'success' | 'error' | 'timeout' | 'cancelled';
// LLM usage of an execution or one of its steps (GET /api/executions/{id}).
export interface UsageSums {
  llmCalls: number; promptTokens: number; completionTokens: number; costUsd: number; unpricedCalls: number;
}
export interface LlmCall {
  step: number | null; agent: string; model: string; provider: string; backend: string;
  promptTokens: number; completionTokens: number; costUsd: number | null; latencyMs: number;
  attempts: number; ok: boolean; errorCode: string | null; startedAt: string;
}
export interface ExecutionStep {
  index: number; from: string; to: string; payloadType: string; payload: string;
  status: 'delivered' | 'unhandled'; error: string | null; startedAt: string; usage?: UsageSums;
}
export interface Execution {
  id: string; flowId: string; flowVersion: number; triggerId: string | null; status: ExecutionStatus;
  input: { target: string; payload: string }; output: string | null; error: string | null;
  startedAt: string; finishedAt: string | null; durationMs: number | null; steps?: ExecutionStep[];
  usage?: UsageSums & { calls: LlmCall[] };
}
export interface SubmitResult { executionId: string; status: ExecutionStatus; location?: string; output?: unknown }

export interface ApiKey { id: string; name: string; prefix: string; userId: string; createdAt: string; lastUsedAt: string | null }
export interface Member { userId: string; email: string; name: string; role: Role; createdAt: string }
export interface SecretInfo { name: string; createdAt: string; updatedAt: string }

// A flow event, from the execution and flow-log streams.
export interface FlowEvent {
  type: 'execution.started' | 'step' | 'execution.finished' | string;
  id: number; at: string; executionId: string;
  from?: string; to?: string; payloadType?: string; payload?: string; index?: number; unhandled?: boolean;
  status?: ExecutionStatus; error?: string; output?: string; target?: string;
}
