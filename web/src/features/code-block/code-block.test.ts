import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { diagnosticsToMarkers, witForClass } from './code-block';
import { addListener, setNodeField, stringifyFlow } from '../canvas/yaml-edits';
import { graphFromYaml, parseFlowYaml } from '../canvas/yaml-to-graph';
import { applyEdit } from '../canvas/apply-edit';
import { moduleNode } from '../canvas/palette';
import type { WasmModule } from '../../api/modules.api';

describe('code block', () => {
  it('puts each asc diagnostic at its line and column, spanning the word there', () => {
    const source = 'let a = 1;\nexport function handle(): i64 {\n  return notDefined;\n}\n';
    const markers = diagnosticsToMarkers(
      [
        { file: 'index.ts', line: 3, column: 10, message: "TS2304: Cannot find name 'notDefined'.", severity: 'error' },
        { file: '~lib/other.ts', line: 1, column: 1, message: 'elsewhere', severity: 'error' },
      ],
      source,
    );
    expect(markers).toEqual([
      { startLineNumber: 3, startColumn: 10, endLineNumber: 3, endColumn: 20, message: "TS2304: Cannot find name 'notDefined'.", severity: 'error' },
    ]);
  });

  it('describes the payload class in WIT for the upload check', () => {
    expect(witForClass('ShoutRequest', { text: 'string', times: 'int', loud: 'bool' })).toBe(
      'package nextra:code@0.1.0;\ninterface code {\n  record shout-request { text: string, times: s64, loud: bool }\n  handle: func(input: shout-request) -> shout-request;\n}\n',
    );
  });
});

describe('code block node YAML', () => {
  const FLOW = 'organism: { name: demo }\npayloads:\n  Request: { text: string }\nlisteners:\n  - name: start\n    payload_class: Request\n    handler: transform\n    transform: { payload: Request, copy_matching: true }\n';

  it('adds a wasm listener with its module, and the canvas and YAML keep its wasm: keys', () => {
    const parsed = parseFlowYaml(FLOW);
    if (!parsed.ok) throw new Error('flow did not parse');
    const name = addListener(parsed.doc, 'code', undefined, { wasm: { module: 'shout', fuel: 500000, tier: 'aot' } });
    setNodeField(parsed.doc, name, ['wasm', 'module'], 'shout-v2');
    const text = stringifyFlow(parsed.doc);
    const listener = (YAML.parse(text).listeners as Array<Record<string, unknown>>).find((l) => l.name === name);
    expect(listener).toMatchObject({ handler: 'wasm', payload_class: 'Request', wasm: { module: 'shout-v2', fuel: 500000, tier: 'aot' } });
    const graph = graphFromYaml(text);
    if (!('graph' in graph)) throw new Error('YAML did not become a graph');
    expect(graph.graph.nodes.find((n) => n.id === name)?.kind).toBe('code');
  });
});

describe('a module from the palette', () => {
  it('adds a code block running it, with the payload classes its WIT declares', () => {
    const flow = 'organism: { name: demo }\npayloads:\n  Request: { text: string }\nlisteners:\n  - name: start\n    payload_class: Request\n    handler: output\n';
    const m = {
      name: 'score',
      payloadClasses: { input: { name: 'Review', fields: { text: 'string', stars: 'int' } }, output: { name: 'Request', fields: { text: 'string' } } },
    } as unknown as WasmModule;
    const r = applyEdit(flow, null, { type: 'addNode', kind: 'code', position: { x: 0, y: 0 }, ...moduleNode(m) });
    const doc = YAML.parse(r.yaml);
    expect(doc.payloads.Review).toEqual({ text: 'string', stars: 'int' });
    expect(doc.payloads.Request).toEqual({ text: 'string' });  // an existing class is never changed
    expect(doc.listeners.find((l: { name: string }) => l.name === r.nodeId)).toMatchObject({
      handler: 'wasm',
      payload_class: 'Review',
      wasm: { module: 'score' },
    });
  });
});
