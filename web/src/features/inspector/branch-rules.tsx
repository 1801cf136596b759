import type { GraphEdit } from '../canvas/apply-edit';

const OPERATORS = ['equals', 'not_equals', 'contains', 'matches', 'lt', 'lte', 'gt', 'gte', 'exists'];

type Rule = Record<string, unknown>;

function operatorOf(rule: Rule): string {
  return OPERATORS.find((o) => o in rule) ?? 'equals';
}

// The rules of a Conditional node, first match wins. Each change is one setField edit on the
// rule's own keys, so comments and extra keys on other rules are untouched.
export function BranchRules({ id, rules, targets, edit }: { id: string; rules: Rule[]; targets: string[]; edit: (e: GraphEdit) => void }) {
  const set = (i: number, key: string, value: unknown) => edit({ type: 'setField', id, path: ['branch', 'rules', String(i), key], value });
  return (
    <div className="space-y-2">
      <span className="label">Rules (first match wins)</span>
      {rules.length === 0 && <p className="text-xs text-slate-500">No rules: every message takes the default.</p>}
      {rules.map((rule, i) => {
        const op = operatorOf(rule);
        return (
          <fieldset key={i} className="space-y-1 rounded border border-slate-200 p-2 dark:border-slate-700">
            <legend className="px-1 text-xs">Rule {i + 1}</legend>
            <input aria-label={`Rule ${i + 1} field`} className="input" defaultValue={String(rule.field ?? '')} onBlur={(e) => set(i, 'field', e.target.value)} />
            <select aria-label={`Rule ${i + 1} operator`} className="input" value={op}
              onChange={(e) => { const v = rule[op] ?? ''; set(i, op, undefined); set(i, e.target.value, e.target.value === 'exists' ? true : v); }}>
              {OPERATORS.map((o) => <option key={o}>{o}</option>)}
            </select>
            {op !== 'exists' && (
              <input aria-label={`Rule ${i + 1} value`} className="input" defaultValue={String(rule[op] ?? '')} onBlur={(e) => set(i, op, e.target.value)} />
            )}
            <select aria-label={`Rule ${i + 1} target`} className="input" value={String(rule.to ?? '')} onChange={(e) => set(i, 'to', e.target.value)}>
              <option value="">—</option>
              {targets.map((t) => <option key={t}>{t}</option>)}
            </select>
            <button type="button" className="btn btn-danger" onClick={() => edit({ type: 'setField', id, path: ['branch', 'rules', String(i)], value: undefined })}>
              Remove rule
            </button>
          </fieldset>
        );
      })}
      <button type="button" className="btn" onClick={() => edit({ type: 'setField', id, path: ['branch', 'rules', String(rules.length)], value: { field: '', equals: '', to: targets[0] ?? '' } })}>
        Add rule
      </button>
    </div>
  );
}
