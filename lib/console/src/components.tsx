/** Small building blocks: loading a resource, paginated lists, action forms with their outcome in words. */
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { RequestOptions } from '../../api-client/client';
import { describeError, newIdempotencyKey } from './api';

export type Load<T> = { state: 'loading' } | { state: 'error'; message: string } | { state: 'ready'; value: T };

/** Loads `fetcher` when `key` changes; `reload` asks again. */
export function useLoad<T>(fetcher: (signal: AbortSignal) => Promise<T>, key: string): [Load<T>, () => void] {
  const [load, setLoad] = useState<Load<T>>({ state: 'loading' });
  const [round, setRound] = useState(0);
  const latest = useRef(fetcher);
  latest.current = fetcher;
  useEffect(() => {
    const controller = new AbortController();
    setLoad((previous) => (previous.state === 'ready' && round > 0 ? previous : { state: 'loading' }));
    latest
      .current(controller.signal)
      .then((value) => setLoad({ state: 'ready', value }))
      .catch((error: unknown) => {
        if ((error as Error).name !== 'AbortError') setLoad({ state: 'error', message: describeError(error) });
      });
    return () => controller.abort();
  }, [key, round]);
  return [load, useCallback(() => setRound((r) => r + 1), [])];
}

/** Shows a load's value, or that it is loading, or its error in words. */
export function Loaded<T>({ load, children, what }: { load: Load<T>; what: string; children: (value: T) => ComponentChildren }) {
  if (load.state === 'loading') return <p class="muted" role="status">Loading {what}…</p>;
  if (load.state === 'error') return <p class="error" role="alert">Could not load {what}: {load.message}</p>;
  return <>{children(load.value)}</>;
}

export interface PageOf<T> {
  readonly items: readonly T[];
  readonly cursor: string | null;
}

/** Where a page of a list starts, for the list's call: `limit`, and the cursor (absent: the first page). */
export interface PageRequest {
  readonly limit: number;
  readonly cursor?: string;
}

/**
 * A paginated list: `loadPage` calls the API's list operation with the page's `limit` and `cursor`
 * (through the typed client); "Next page" follows the API's cursor and "Previous page" goes back
 * through the cursors seen. `key` names the list and its filters: a new key starts at page 1.
 */
export function usePaged<T>(
  key: string,
  loadPage: (page: PageRequest, signal: AbortSignal) => Promise<PageOf<T>>,
  limit = 25,
): { load: Load<PageOf<T>>; next: (() => void) | undefined; previous: (() => void) | undefined; page: number; reload: () => void } {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  useEffect(() => setCursors([null]), [key]);
  const cursor = cursors[cursors.length - 1] ?? null;
  const [load, reload] = useLoad((signal) => loadPage(cursor ? { limit, cursor } : { limit }, signal), `${key}|${limit}|${cursor ?? ''}`);
  const nextCursor = load.state === 'ready' ? load.value.cursor : null;
  return {
    load,
    page: cursors.length,
    next: nextCursor ? () => setCursors((c) => [...c, nextCursor]) : undefined,
    previous: cursors.length > 1 ? () => setCursors((c) => c.slice(0, -1)) : undefined,
    reload,
  };
}

export function Pager({ page, next, previous, label }: { page: number; next: (() => void) | undefined; previous: (() => void) | undefined; label: string }) {
  return (
    <nav class="pager" aria-label={`Pages of ${label}`}>
      <button type="button" onClick={previous} disabled={!previous}>
        ← Previous page
      </button>
      <span aria-live="polite">Page {page}</span>
      <button type="button" onClick={next} disabled={!next}>
        Next page →
      </button>
    </nav>
  );
}

export type Outcome = { kind: 'idle' } | { kind: 'busy' } | { kind: 'done'; message: string } | { kind: 'failed'; message: string };

/** The result of an action in words, announced to screen readers. */
export function OutcomeMessage({ outcome }: { outcome: Outcome }) {
  if (outcome.kind === 'idle') return <p class="outcome" role="status" aria-live="polite"></p>;
  if (outcome.kind === 'busy') return <p class="outcome muted" role="status" aria-live="polite">Working…</p>;
  if (outcome.kind === 'done') return <p class="outcome success" role="status" aria-live="polite">{outcome.message}</p>;
  return <p class="outcome error" role="alert">{outcome.message}</p>;
}

/**
 * Runs one mutating call with a fresh Idempotency-Key and keeps its outcome: the key is handed to
 * the call both as the client's `idempotencyKey` option and as itself (for the routes that move
 * money, whose typed arguments require the header). `describe` turns the answer into the sentence shown.
 */
export function useAction<T>(): [Outcome, (perform: (init: RequestOptions, idempotencyKey: string) => Promise<T>, describe: (answer: T) => string) => Promise<T | undefined>, (o: Outcome) => void] {
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'idle' });
  const run = useCallback(async (perform: (init: RequestOptions, idempotencyKey: string) => Promise<T>, describe: (answer: T) => string) => {
    setOutcome({ kind: 'busy' });
    try {
      const key = newIdempotencyKey();
      const answer = await perform({ idempotencyKey: key }, key);
      setOutcome({ kind: 'done', message: describe(answer) });
      return answer;
    } catch (error) {
      setOutcome({ kind: 'failed', message: describeError(error) });
      return undefined;
    }
  }, []);
  return [outcome, run, setOutcome];
}

let fieldIds = 0;
/** A labelled input; the label is always visible. */
export function Field(props: { label: string; value: string; onInput: (value: string) => void; type?: string; placeholder?: string; required?: boolean; hint?: string; name?: string; autoComplete?: string }) {
  const [id] = useState(() => `field-${++fieldIds}`);
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <input
        id={id}
        name={props.name}
        type={(props.type ?? 'text') as 'text'}
        value={props.value}
        placeholder={props.placeholder}
        required={props.required}
        autoComplete={props.autoComplete ?? 'off'}
        aria-describedby={props.hint ? `${id}-hint` : undefined}
        onInput={(e) => props.onInput((e.currentTarget as HTMLInputElement).value)}
      />
      {props.hint && (
        <small id={`${id}-hint`} class="muted">
          {props.hint}
        </small>
      )}
    </div>
  );
}

export function Select(props: { label: string; value: string; onChange: (value: string) => void; options: readonly (readonly [string, string])[]; name?: string }) {
  const [id] = useState(() => `field-${++fieldIds}`);
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <select id={id} name={props.name} value={props.value} onChange={(e) => props.onChange((e.currentTarget as HTMLSelectElement).value)}>
        {props.options.map(([value, text]) => (
          <option value={value} key={value}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );
}

export function StatusBadge({ status }: { status: string }) {
  return <span class={`badge badge-${status.toLowerCase().replace(/_/g, '-')}`}>{status.replace(/_/g, ' ')}</span>;
}
