import { beforeEach, describe, expect, it } from 'vitest';
import { isDirty, useFlowDocument } from './flow-document.store';
import type { Flow } from '../api/types';

const YAML = `# demo
payloads:
  Msg: { text: string }
listeners:
  - name: a
    payload_class: Msg
    handler: output
    description: end
`;

function flow(): Flow {
  return {
    id: 'f1', name: 'demo', description: '', status: 'stopped', version: 1, liveVersion: null,
    createdAt: '', updatedAt: '', organismYaml: YAML, canvasState: null, errorMessage: null, warnings: [],
  };
}

const s = () => useFlowDocument.getState();

describe('flow document store', () => {
  beforeEach(() => s().replaceFromServer(flow()));

  it('derives the graph from the loaded YAML and starts saved', () => {
    expect(s().graph.nodes.map((n) => n.id)).toEqual(['a']);
    expect(isDirty(s())).toBe(false);
  });

  it('a canvas edit updates the YAML and the graph at once', () => {
    s().edit({ type: 'addNode', kind: 'llm', position: { x: 10, y: 20 } });
    expect(s().yaml).toContain('name: agent_1');
    expect(s().yaml).toContain('# demo');
    expect(s().graph.nodes.map((n) => n.id)).toEqual(['a', 'agent_1']);
    expect(s().selectedId).toBe('agent_1');
    expect(isDirty(s())).toBe(true);
  });

  it('a YAML edit updates the canvas when it parses, and keeps the last graph when it does not', () => {
    s().setYaml(YAML.replace('name: a', 'name: b'));
    expect(s().graph.nodes.map((n) => n.id)).toEqual(['b']);
    s().setYaml(YAML.replace('name: a', 'name: [b'));
    expect(s().parseProblems.length).toBeGreaterThan(0);
    expect(s().graph.nodes.map((n) => n.id)).toEqual(['b']);
  });

  it('undo and redo step across canvas and YAML edits', () => {
    s().edit({ type: 'addNode', kind: 'output', position: { x: 0, y: 0 } });
    const afterCanvas = s().yaml;
    useFlowDocument.setState({ lastTypingAt: 0 });
    s().setYaml(afterCanvas.replace('description: end', 'description: the end'));
    s().undo();
    expect(s().yaml).toBe(afterCanvas);
    s().undo();
    expect(s().yaml).toBe(YAML);
    expect(s().graph.nodes).toHaveLength(1);
    s().redo();
    expect(s().yaml).toBe(afterCanvas);
    s().redo();
    expect(s().yaml).toContain('description: the end');
  });

  it('reports an impossible edit instead of throwing', () => {
    s().edit({ type: 'rename', id: 'a', name: 'bad name' });
    expect(s().editError).toMatch(/not a valid name/);
    expect(s().yaml).toBe(YAML);
  });
});
