// Undo/redo over whole editor snapshots (YAML text + canvas layout), so one history covers
// edits made on the canvas and in the YAML editor alike.

export interface History<T> {
  past: T[];
  future: T[];
}

const LIMIT = 200;

export function emptyHistory<T>(): History<T> {
  return { past: [], future: [] };
}

export function record<T>(h: History<T>, previous: T): History<T> {
  const past = [...h.past, previous];
  if (past.length > LIMIT) past.shift();
  return { past, future: [] };
}

export function undo<T>(h: History<T>, current: T): { history: History<T>; value: T } | null {
  if (h.past.length === 0) return null;
  const value = h.past[h.past.length - 1];
  return { history: { past: h.past.slice(0, -1), future: [current, ...h.future] }, value };
}

export function redo<T>(h: History<T>, current: T): { history: History<T>; value: T } | null {
  if (h.future.length === 0) return null;
  const [value, ...future] = h.future;
  return { history: { past: [...h.past, current], future }, value };
}
