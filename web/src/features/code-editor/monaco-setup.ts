import * as monaco from 'monaco-editor';
import { loader } from '@monaco-editor/react';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import TsWorker from 'monaco-editor/language/typescript/ts.worker?worker';

// Monaco comes from our own bundle, never a CDN: @monaco-editor/react would otherwise fetch
// it from jsdelivr (stack.md §10). YAML needs only the base editor worker; code blocks
// (AssemblyScript, edited as TypeScript) need the TypeScript worker.
self.MonacoEnvironment = {
  getWorker: (_id: string, label: string) => (label === 'typescript' || label === 'javascript' ? new TsWorker() : new EditorWorker()),
};
loader.config({ monaco });

export { monaco };
