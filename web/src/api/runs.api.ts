import { api } from './client';
import type { Execution, FlowEvent, Page, SubmitResult, Trigger } from './types';

const enc = encodeURIComponent;

export const listExecutions = (flowId: string, page = 1, status = '', pageSize = 25) =>
  api<Page<Execution>>('GET', `/api/flows/${enc(flowId)}/executions?page=${page}&pageSize=${pageSize}${status ? '&status=' + status : ''}`);
export const getExecution = (id: string) => api<Execution>('GET', `/api/executions/${enc(id)}`);
export const cancelExecution = (id: string) => api<Execution>('POST', `/api/executions/${enc(id)}/cancel`);
export const rerunExecution = (id: string) => api<SubmitResult>('POST', `/api/executions/${enc(id)}/rerun`);
export const listTriggers = (flowId: string) => api<{ items: Trigger[] }>('GET', `/api/flows/${enc(flowId)}/triggers`);

// A manual run; answers at once (202) with the execution id, which the UI then follows live.
export const injectPayload = (flowId: string, target: string, payload: Record<string, unknown>) =>
  api<SubmitResult>('POST', `/api/triggers/${enc(flowId)}/inject`, { target, payload });

export const flowLogPage = (flowId: string, after = 0) =>
  api<{ items: FlowEvent[]; nextAfter: number }>('GET', `/api/flows/${enc(flowId)}/logs?after=${after}&limit=500`);
