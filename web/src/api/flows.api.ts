import { api } from './client';
import type { CanvasState } from '../features/canvas/graph.types';
import type { Flow, FlowDiff, FlowRunStatus, FlowSummary, FlowVersion, FlowVersionSummary, Page, Problem } from './types';

const enc = encodeURIComponent;

export const listFlows = (page = 1, search = '') =>
  api<Page<FlowSummary>>('GET', `/api/flows?page=${page}&pageSize=50${search ? '&search=' + enc(search) : ''}`);
export const getFlow = (id: string) => api<Flow>('GET', `/api/flows/${enc(id)}`);
export const createFlow = (name: string, description = '') => api<Flow>('POST', '/api/flows', { name, description });
export const deleteFlow = (id: string) => api<void>('DELETE', `/api/flows/${enc(id)}`);

export interface SaveFlow {
  version: number;
  name?: string;
  organismYaml?: string;
  canvasState?: CanvasState;
  message?: string;
}
export const saveFlow = (id: string, body: SaveFlow) => api<Flow>('PUT', `/api/flows/${enc(id)}`, body);
export const validateYaml = (organismYaml: string) =>
  api<{ valid: boolean; problems: Problem[] }>('POST', '/api/flows/validate', { organismYaml });

export const listVersions = (id: string) => api<Page<FlowVersionSummary>>('GET', `/api/flows/${enc(id)}/versions?pageSize=100`);
export const getVersion = (id: string, v: number) => api<FlowVersion>('GET', `/api/flows/${enc(id)}/versions/${v}`);
export const diffVersions = (id: string, from: number, to: number) => api<FlowDiff>('GET', `/api/flows/${enc(id)}/diff?from=${from}&to=${to}`);
export const restoreVersion = (id: string, v: number, current: number) =>
  api<Flow>('POST', `/api/flows/${enc(id)}/versions/${v}/restore`, { version: current });
export const publishVersion = (id: string, v: number) => api<Flow>('POST', `/api/flows/${enc(id)}/versions/${v}/publish`);

export const startFlow = (id: string) => api<FlowRunStatus>('POST', `/api/flows/${enc(id)}/start`);
export const stopFlow = (id: string) => api<FlowRunStatus>('POST', `/api/flows/${enc(id)}/stop`);
export const flowStatus = (id: string) => api<FlowRunStatus>('GET', `/api/flows/${enc(id)}/status`);
