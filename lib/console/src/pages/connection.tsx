/** Where the API is and the finance key: asked once per tab, kept in sessionStorage. */
import { useState } from 'preact/hooks';
import { describeError, forgetConnection, loadConnection, saveConnection, typed } from '../api';
import { Field, OutcomeMessage, type Outcome } from '../components';

export function ConnectionPage({ onSaved }: { onSaved: () => void }) {
  const saved = loadConnection();
  const [baseUrl, setBaseUrl] = useState(saved?.baseUrl ?? '');
  const [apiKey, setApiKey] = useState(saved?.apiKey ?? '');
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'idle' });
  return (
    <section aria-labelledby="connection-title">
      <h1 id="connection-title">Connection</h1>
      <p>
        The console calls only the public HTTP API. Give its address (empty: this page's own address, <code>{window.location.origin}</code>) and a finance key. The key stays in
        this tab only (sessionStorage).
      </p>
      <form
        class="stack"
        aria-label="API connection"
        onSubmit={async (e) => {
          e.preventDefault();
          saveConnection({ baseUrl: baseUrl.trim(), apiKey: apiKey.trim() });
          setOutcome({ kind: 'busy' });
          try {
            await typed((client) => client.getReportsAging());
            setOutcome({ kind: 'done', message: 'Connected: the API accepted the finance key.' });
            onSaved();
            if (!window.location.hash || window.location.hash.startsWith('#/connection')) window.location.hash = '#/dashboard';
          } catch (error) {
            setOutcome({ kind: 'failed', message: `Saved, but the API did not answer as expected: ${describeError(error)}` });
          }
        }}
      >
        <Field label="API base URL" value={baseUrl} onInput={setBaseUrl} placeholder={window.location.origin} hint="For a deployed stack: its API URL with the stage, e.g. https://abc.execute-api.eu-west-1.amazonaws.com/prod" />
        <Field label="Finance API key" value={apiKey} onInput={setApiKey} type="password" required autoComplete="off" />
        <div class="actions">
          <button type="submit">Save and connect</button>
          <button
            type="button"
            onClick={() => {
              forgetConnection();
              setApiKey('');
              setOutcome({ kind: 'done', message: 'The key is forgotten.' });
              onSaved();
            }}
          >
            Forget the key
          </button>
        </div>
      </form>
      <OutcomeMessage outcome={outcome} />
    </section>
  );
}
