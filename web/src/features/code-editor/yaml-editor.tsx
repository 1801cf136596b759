import { useEffect, useRef } from 'react';
import Editor, { type OnMount } from '@monaco-editor/react';
import { monaco } from './monaco-setup';
import type { Problem } from '../../api/types';
import type { YamlProblem } from '../canvas/yaml-to-graph';

interface Props {
  value: string;
  onChange: (text: string) => void;
  parseProblems: YamlProblem[];
  serverProblems: Problem[];
  dark: boolean;
  onUndo: () => void;
  onRedo: () => void;
  onSave: () => void;
}

// The YAML side of the editor. Markers come from two places: the local parser (syntax, at
// once) and the server's validator (meaning, after a pause), each at its line and column.
export default function YamlEditor({ value, onChange, parseProblems, serverProblems, dark, onUndo, onRedo, onSave }: Props) {
  const editorRef = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const handlers = useRef({ onUndo, onRedo, onSave });
  handlers.current = { onUndo, onRedo, onSave };

  const onMount: OnMount = (editor) => {
    editorRef.current = editor;
    // One undo history for canvas and YAML: route Monaco's undo/redo to the document store.
    editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyZ, () => handlers.current.onUndo());
    editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyMod.Shift | monaco.KeyCode.KeyZ, () => handlers.current.onRedo());
    editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyY, () => handlers.current.onRedo());
    editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyS, () => handlers.current.onSave());
    setMarkers();
  };

  function setMarkers() {
    const model = editorRef.current?.getModel();
    if (!model) return;
    const markers: monaco.editor.IMarkerData[] = [
      ...parseProblems.map((p) => marker(model, p.line, p.column, p.message, monaco.MarkerSeverity.Error)),
      ...serverProblems.map((p) =>
        marker(model, p.line, p.column, p.message, p.severity === 'warning' ? monaco.MarkerSeverity.Warning : monaco.MarkerSeverity.Error),
      ),
    ];
    monaco.editor.setModelMarkers(model, 'nextra', markers);
  }

  useEffect(setMarkers, [parseProblems, serverProblems, value]);

  return (
    <Editor
      value={value}
      language="yaml"
      theme={dark ? 'vs-dark' : 'vs'}
      onMount={onMount}
      onChange={(v) => onChange(v ?? '')}
      options={{ minimap: { enabled: false }, fontSize: 13, tabSize: 2, scrollBeyondLastLine: false, automaticLayout: true }}
      loading={<div role="status" className="p-4 text-sm text-slate-500">Loading the editor…</div>}
    />
  );
}

function marker(model: monaco.editor.ITextModel, line: number, column: number, message: string, severity: monaco.MarkerSeverity): monaco.editor.IMarkerData {
  const l = Math.min(Math.max(line || 1, 1), model.getLineCount());
  const c = Math.max(column || 1, 1);
  const end = model.getLineMaxColumn(l);
  return { startLineNumber: l, startColumn: Math.min(c, end), endLineNumber: l, endColumn: Math.max(end, c + 1), message, severity };
}
