import { useEffect, useId, useState } from 'react';

interface Props {
  label: string;
  value: string;
  onCommit: (v: string) => void;
  multiline?: boolean;
  placeholder?: string;
  testId?: string;
}

// A text field that edits the YAML when the user is done (blur or Enter), not on every key,
// so one change is one undo step and names are not renamed letter by letter.
export function Field({ label, value, onCommit, multiline, placeholder, testId }: Props) {
  const id = useId();
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);
  const commit = () => {
    if (draft !== value) onCommit(draft);
  };
  const common = {
    id, value: draft, placeholder, 'data-testid': testId, className: 'input',
    onBlur: commit,
  };
  return (
    <div>
      <label className="label" htmlFor={id}>{label}</label>
      {multiline ? (
        <textarea {...common} rows={5} onChange={(e) => setDraft(e.target.value)} />
      ) : (
        <input {...common} onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => { if (e.key === 'Enter') commit(); if (e.key === 'Escape') setDraft(value); }} />
      )}
    </div>
  );
}

export function Select({ label, value, options, onCommit }: { label: string; value: string; options: string[]; onCommit: (v: string) => void }) {
  const id = useId();
  return (
    <div>
      <label className="label" htmlFor={id}>{label}</label>
      <select id={id} className="input" value={value} onChange={(e) => onCommit(e.target.value)}>
        {!options.includes(value) && <option value={value}>{value || '—'}</option>}
        {options.map((o) => <option key={o} value={o}>{o}</option>)}
      </select>
    </div>
  );
}
