import { api } from './client';

// WASM modules (docs/wasm.md, "Modules API").

export interface PayloadClassDesc {
  name: string;
  fields: Record<string, string>;
}

export interface WasmModule {
  id: string;
  payloadClasses: { input: PayloadClassDesc; output: PayloadClassDesc | null } | null;
  name: string;
  version: string;
  sha256: string;
  sizeBytes: number;
  exports: string[];
  wit: string;
  hasSource: boolean;
  source?: string;
  createdAt: string;
  createdBy: string;
}

export interface BuildDiagnostic {
  file: string;
  line: number;
  column: number;
  message: string;
  severity: 'error' | 'warning' | 'info';
}

export interface BuildResult {
  ok: boolean;
  wasmBase64?: string;
  sizeBytes?: number;
  exports?: string[];
  diagnostics: BuildDiagnostic[];
}

export interface RunResult {
  output: unknown;
  to: string | null;
  fuelUsed: number;
  elapsedMicros: number;
  logs: string[];
}

export const modulesApi = {
  list: () => api<{ items: WasmModule[]; total: number }>('GET', '/api/modules?pageSize=100'),
  get: (id: string) => api<WasmModule>('GET', `/api/modules/${encodeURIComponent(id)}`),
  build: (source: string) => api<BuildResult>('POST', '/api/modules/build', { source }),
  create: (m: { name: string; version: string; wit: string; wasmBase64: string; source: string }) =>
    api<WasmModule>('POST', '/api/modules', m),
  run: (id: string, payload: unknown) => api<RunResult>('POST', `/api/modules/${encodeURIComponent(id)}/run`, { payload }),
};
