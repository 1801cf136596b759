import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { applyEdit } from './apply-edit';
import { graphFromYaml } from './yaml-to-graph';
import type { FlowGraph, NodeKind } from './graph.types';
import { FlowEditError } from './yaml-edits';

const BASE = `# a flow with comments
organism: { name: demo }   # inline comment

payloads:
  Request: { text: string }
  Result:
    text: string

listeners:
  - name: start            # the entry
    payload_class: Request
    handler: transform
    description: Receives the input
    peers: [output]
    x-custom: { keep: me }   # a key the canvas does not know
    transform:
      payload: Result
      fields: { text: "{{ text }}" }

  - name: output
    payload_class: Result
    handler: output
    description: The result

triggers:
  - { name: manual, type: manual, target: start }

limits: { max_depth: 20 }  # unknown to the canvas too
`;

function graph(yaml: string, canvas?: Parameters<typeof graphFromYaml>[1]): FlowGraph {
  const r = graphFromYaml(yaml, canvas);
  if (!('graph' in r)) throw new Error('parse failed: ' + JSON.stringify(r.problems));
  return r.graph;
}

describe('YAML → graph', () => {
  it('maps each handler to its node kind', () => {
    const kinds: [string, NodeKind][] = [
      ['llm', 'llm'], ['http', 'http'], ['wasm', 'code'], ['branch', 'branch'],
      ['output', 'output'], ['transform', 'transform'], ['tool:calculate', 'tool'],
    ];
    const yaml = 'listeners:\n' + kinds.map(([h], i) => `  - { name: n${i}, payload_class: C, handler: "${h}", description: d }`).join('\n') + '\n';
    const g = graph(yaml);
    expect(g.nodes.map((n) => n.kind)).toEqual(kinds.map(([, k]) => k));
  });

  it('draws triggers as nodes wired to their target, peers as edges and self-peers as loops', () => {
    const loop = readFileSync(fileURLToPath(new URL('../../../../examples/loop/organism.yaml', import.meta.url)), 'utf8');
    const g = graph(loop);
    expect(g.edges).toEqual([
      { id: 'counter->counter', source: 'counter', target: 'counter', kind: 'loop' },
      { id: 'counter->done', source: 'counter', target: 'done', kind: 'peer' },
    ]);
    const b = graph(BASE);
    expect(b.nodes[0]).toMatchObject({ id: 'trigger:manual', kind: 'trigger', triggerType: 'manual' });
    expect(b.edges).toContainEqual({ id: 'trigger:manual->start', source: 'trigger:manual', target: 'start', kind: 'trigger' });
  });

  it('a trigger without a target points at the first listener', () => {
    const g = graph(BASE.replace(', target: start', ''));
    expect(g.edges.find((e) => e.kind === 'trigger')?.target).toBe('start');
  });

  it('takes positions from canvasState and lays out the rest', () => {
    const g = graph(BASE, { nodes: [{ id: 'output', position: { x: 999, y: 7 } }] });
    expect(g.nodes.find((n) => n.id === 'output')?.position).toEqual({ x: 999, y: 7 });
    const start = g.nodes.find((n) => n.id === 'start')!.position;
    const trig = g.nodes.find((n) => n.id === 'trigger:manual')!.position;
    expect(start.x).toBeGreaterThan(trig.x);
  });

  it('places a node added in the YAML below the placed nodes of its column', () => {
    const g = graph(BASE, { nodes: [{ id: 'trigger:manual', position: { x: 40, y: 500 } }] });
    const added = graph(BASE.replace('triggers:\n', 'triggers:\n  - { name: hook, type: webhook }\n'), { nodes: [{ id: 'trigger:manual', position: { x: 40, y: 500 } }] });
    const hook = added.nodes.find((n) => n.id === 'trigger:hook')!.position;
    expect(hook.y).toBeGreaterThanOrEqual(640);
    expect(g.nodes.find((n) => n.id === 'trigger:manual')!.position).toEqual({ x: 40, y: 500 });
  });

  it('reports YAML syntax errors with line and column', () => {
    const r = graphFromYaml('listeners:\n  - name: [a\n');
    expect('problems' in r && r.problems[0].line).toBeGreaterThan(0);
  });
});

describe('graph edits → YAML', () => {
  const kinds: NodeKind[] = ['trigger', 'llm', 'http', 'code', 'branch', 'transform', 'output'];
  for (const kind of kinds) {
    it(`adds and removes a ${kind} node, leaving the YAML exactly as it was`, () => {
      const added = applyEdit(BASE, null, { type: 'addNode', kind, position: { x: 5, y: 6 } });
      const g = graph(added.yaml, added.canvas);
      const node = g.nodes.find((n) => n.id === added.nodeId)!;
      expect(node.kind).toBe(kind);
      expect(node.position).toEqual({ x: 5, y: 6 });
      const removed = applyEdit(added.yaml, added.canvas, { type: 'removeNode', id: added.nodeId! });
      expect(removed.yaml).toBe(BASE);
      expect(removed.canvas.nodes).toEqual([]);
    });
  }

  it('keeps comments, key order and unknown keys through edits', () => {
    let r = applyEdit(BASE, null, { type: 'addNode', kind: 'llm', position: { x: 0, y: 0 } });
    r = applyEdit(r.yaml, r.canvas, { type: 'connect', source: 'start', target: r.nodeId! });
    for (const s of ['# a flow with comments', '# inline comment', '# the entry', 'x-custom: { keep: me }', '# a key the canvas does not know', 'limits: { max_depth: 20 }  # unknown']) {
      expect(r.yaml).toContain(s);
    }
    expect(r.yaml).toContain('peers: [ output, agent_1 ]');
    expect(r.yaml.indexOf('organism:')).toBeLessThan(r.yaml.indexOf('payloads:'));
    expect(r.yaml.indexOf('listeners:')).toBeLessThan(r.yaml.indexOf('triggers:'));
  });

  it('connects and disconnects listeners (peers) and loops', () => {
    const c = applyEdit(BASE, null, { type: 'connect', source: 'output', target: 'start' });
    expect(graph(c.yaml).edges).toContainEqual({ id: 'output->start', source: 'output', target: 'start', kind: 'peer' });
    expect(c.yaml).toContain('description: The result\n    peers: [ start ]');
    const loop = applyEdit(BASE, null, { type: 'connect', source: 'start', target: 'start' });
    expect(graph(loop.yaml).edges).toContainEqual({ id: 'start->start', source: 'start', target: 'start', kind: 'loop' });
    expect(applyEdit(loop.yaml, null, { type: 'disconnect', source: 'start', target: 'start' }).yaml).toBe(BASE.replace('[output]', '[ output ]')); // only the touched line is re-printed
    const d = applyEdit(BASE, null, { type: 'disconnect', source: 'start', target: 'output' });
    expect(d.yaml).not.toContain('peers:');
    expect(graph(d.yaml).edges.filter((e) => e.kind !== 'trigger')).toEqual([]);
  });

  it('connects a trigger by setting its target', () => {
    const r = applyEdit(BASE, null, { type: 'connect', source: 'trigger:manual', target: 'output' });
    expect(r.yaml).toContain('{ name: manual, type: manual, target: output }');
    expect(() => applyEdit(BASE, null, { type: 'connect', source: 'start', target: 'trigger:manual' })).toThrow(FlowEditError);
  });

  it('renames a listener with every reference, and back again', () => {
    const withBranch = BASE.replace('payload: Result\n', 'payload: Result\n      to: output\n');
    const r = applyEdit(withBranch, { nodes: [{ id: 'output', position: { x: 1, y: 2 } }] }, { type: 'rename', id: 'output', name: 'final' });
    expect(r.yaml).toContain('peers: [ final ]');
    expect(r.yaml).toContain('to: final');
    expect(r.yaml).toContain('- name: final');
    expect(r.canvas.nodes).toEqual([{ id: 'final', position: { x: 1, y: 2 } }]);
    const back = applyEdit(r.yaml, r.canvas, { type: 'rename', id: 'final', name: 'output' });
    expect(back.yaml).toBe(withBranch.replace('[output]', '[ output ]'));
    const t = applyEdit(BASE, null, { type: 'rename', id: 'start', name: 'intake' });
    expect(t.yaml).toContain('target: intake');
  });

  it('refuses duplicate and invalid names', () => {
    expect(() => applyEdit(BASE, null, { type: 'rename', id: 'start', name: 'Output' })).toThrow(/already exists/);
    expect(() => applyEdit(BASE, null, { type: 'rename', id: 'start', name: '9bad' })).toThrow(/not a valid name/);
  });

  it('removing a listener removes the edges that point at it', () => {
    const r = applyEdit(BASE, null, { type: 'removeNode', id: 'output' });
    expect(r.yaml).not.toContain('peers');
    expect(r.yaml).toContain('# the entry');
  });

  it('sets and deletes fields from the inspector', () => {
    let r = applyEdit(BASE, null, { type: 'setField', id: 'start', path: ['description'], value: 'New words' });
    expect(r.yaml).toContain('description: New words\n');
    r = applyEdit(r.yaml, null, { type: 'setField', id: 'start', path: ['timeout_seconds'], value: 12 });
    expect(r.yaml).toContain('timeout_seconds: 12');
    r = applyEdit(r.yaml, null, { type: 'setField', id: 'start', path: ['timeout_seconds'], value: undefined });
    expect(r.yaml).not.toContain('timeout_seconds');
  });

  it('turns an emptied `listeners: []` back into a block list when a node is added', () => {
    let r = applyEdit(BASE, null, { type: 'removeNode', id: 'start' });
    r = applyEdit(r.yaml, null, { type: 'removeNode', id: 'output' });
    expect(r.yaml).toContain('listeners: []');
    r = applyEdit(r.yaml, null, { type: 'addNode', kind: 'output', position: { x: 0, y: 0 } });
    expect(r.yaml).toContain('listeners:\n  - name: output_1\n    payload_class: Request\n');
  });

  it('adds a payload class when the flow has none', () => {
    const r = applyEdit('organism: { name: empty }\n', null, { type: 'addNode', kind: 'output', position: { x: 0, y: 0 } });
    expect(r.yaml).toContain('Message: { text: string }');
    expect(r.yaml).toContain('payload_class: Message');
  });

  it('moves only change the canvas state, keeping its unknown keys', () => {
    const r = applyEdit(BASE, { nodes: [], viewport: { x: 1, y: 2, zoom: 1 }, extra: 1 }, { type: 'move', id: 'start', position: { x: 3, y: 4 } });
    expect(r.yaml).toBe(BASE);
    expect(r.canvas).toEqual({ nodes: [{ id: 'start', position: { x: 3, y: 4 } }], viewport: { x: 1, y: 2, zoom: 1 }, extra: 1 });
  });
});
