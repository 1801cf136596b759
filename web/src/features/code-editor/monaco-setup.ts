import * as monaco from 'monaco-editor';
import { loader } from '@monaco-editor/react';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';

// Monaco comes from our own bundle, never a CDN: @monaco-editor/react would otherwise fetch
// it from jsdelivr (stack.md §10). YAML needs only the base editor worker.
self.MonacoEnvironment = {
  getWorker: () => new EditorWorker(),
};
loader.config({ monaco });

export { monaco };
