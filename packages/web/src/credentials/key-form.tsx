import { useState, type FormEvent } from 'react';
import type { Problem } from '../status/describe-problem.js';
import { ProblemNotice } from '../status/problem-notice.js';

export interface KeyFormProps {
  problem: Problem | undefined;
  checking: boolean;
  onSubmit(key: string): void;
}

/**
 * Where the API key (or a JWT) is entered. It is kept for this tab only (sessionStorage), never in
 * the URL or in storage that outlives the tab.
 */
export function KeyForm({ problem, checking, onSubmit }: KeyFormProps) {
  const [key, setKey] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (key.trim() !== '') onSubmit(key.trim());
  };
  return (
    <form className="key-form" onSubmit={submit}>
      <h2>Connect to the gateway</h2>
      <p>
        Enter an API key or a token. <code>npm start</code> prints a link that fills it in for you.
      </p>
      <label>
        <span>API key or token</span>
        <input
          type="password"
          name="apiKey"
          autoComplete="off"
          spellCheck={false}
          value={key}
          onChange={(event) => setKey(event.target.value)}
          placeholder="sg-..."
        />
      </label>
      <button type="submit" disabled={checking || key.trim() === ''}>
        {checking ? 'Checking…' : 'Connect'}
      </button>
      <p className="hint">Kept in this tab only: closing it forgets the key.</p>
      {problem && <ProblemNotice problem={problem} />}
    </form>
  );
}
