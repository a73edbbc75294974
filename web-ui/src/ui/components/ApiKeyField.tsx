import { useState, type FormEvent } from 'react';

/** The API key, kept in this browser (localStorage) and sent as X-API-Key by the page. */
export function ApiKeyField({ apiKey, onChange }: { apiKey: string; onChange: (key: string) => void }) {
  const [draft, setDraft] = useState(apiKey);
  const save = (event: FormEvent) => {
    event.preventDefault();
    onChange(draft.trim());
  };
  return (
    <form className="key-form" onSubmit={save} aria-label="API key">
      <label>
        API key
        <input
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          placeholder="jc_… (printed by ./jobcast run)"
        />
      </label>
      <button type="submit">Use key</button>
      {apiKey && (
        <button type="button" className="secondary" onClick={() => { setDraft(''); onChange(''); }}>
          Forget
        </button>
      )}
    </form>
  );
}
