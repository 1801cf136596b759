import type { FlowEvent } from './types';

// Server-sent events from our server. EventSource sends the session cookie on same-origin
// requests and resumes with Last-Event-ID by itself; events can repeat around the replay/live
// switch (docs/api.md), so they are de-duplicated by id here.
export function subscribe(path: string, onEvent: (e: FlowEvent) => void, onError?: () => void): () => void {
  const source = new EventSource(path);
  const seen = new Set<number>();
  const handle = (msg: MessageEvent<string>) => {
    let event: FlowEvent;
    try {
      event = JSON.parse(msg.data) as FlowEvent;
    } catch {
      return; // a malformed frame says nothing we can show
    }
    if (typeof event.id === 'number') {
      if (seen.has(event.id)) return;
      seen.add(event.id);
    }
    onEvent(event);
    if (event.type === 'execution.finished' && path.startsWith('/api/executions/')) source.close();
  };
  for (const type of ['execution.started', 'step', 'execution.finished', 'message']) {
    source.addEventListener(type, handle as EventListener);
  }
  source.onerror = () => onError?.();
  return () => source.close();
}

export const executionEventsPath = (id: string) => `/api/executions/${encodeURIComponent(id)}/events`;
export const flowLogsPath = (id: string) => `/api/flows/${encodeURIComponent(id)}/logs`;
