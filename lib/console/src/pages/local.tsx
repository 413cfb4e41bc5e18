/** Only on the local runtime: the emails SES would have sent, and the one clock, moved forward. */
import { useState } from 'preact/hooks';
import { local } from '../local-runtime';
import { Field, Loaded, OutcomeMessage, useAction, useLoad } from '../components';
import { instant } from '../format';

interface Email {
  readonly messageId: string;
  readonly from: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly at: string;
  readonly text: string | null;
  readonly html: string | null;
  readonly attachments?: readonly { filename: string | null; contentType: string; size: number }[];
}

export function Emails() {
  const [load, reload] = useLoad((signal) => local<{ items: readonly Email[] }>('GET', '/_local/emails', { signal }), 'emails');
  const [open, setOpen] = useState<string | null>(null);
  const [filter, setFilter] = useState('');
  return (
    <section aria-labelledby="emails-title">
      <h1 id="emails-title">Sent emails</h1>
      <p class="muted">What the local SES received: invoices and reminders, newest first.</p>
      <div class="filters">
        <Field label="Subject or recipient contains" value={filter} onInput={setFilter} />
        <button type="button" onClick={reload}>
          Refresh
        </button>
      </div>
      <Loaded load={load} what="the sent emails">
        {({ items }) => {
          const needle = filter.trim().toLowerCase();
          const shown = [...items].reverse().filter((e) => !needle || e.subject.toLowerCase().includes(needle) || e.to.join(' ').toLowerCase().includes(needle));
          return shown.length === 0 ? (
            <p>No email{needle ? ' matches' : ' sent yet'}.</p>
          ) : (
            <ul class="emails">
              {shown.slice(0, 100).map((e) => (
                <li key={e.messageId} data-testid="email">
                  <button type="button" class="link" aria-expanded={open === e.messageId} onClick={() => setOpen(open === e.messageId ? null : e.messageId)}>
                    <span class="email-subject">{e.subject}</span>
                  </button>{' '}
                  <span class="muted">
                    to {e.to.join(', ')} at {instant(e.at)}
                    {e.attachments?.length ? `, ${e.attachments.length} attachment(s): ${e.attachments.map((a) => a.filename ?? a.contentType).join(', ')}` : ''}
                  </span>
                  {open === e.messageId &&
                    (e.html ? <iframe class="email-body" title={`Email: ${e.subject}`} sandbox="" srcDoc={e.html} /> : <pre class="email-body">{e.text}</pre>)}
                </li>
              ))}
            </ul>
          );
        }}
      </Loaded>
    </section>
  );
}

export function Clock() {
  const [load, reload] = useLoad(
    (signal) => local<{ now: string; pendingTimers: readonly string[]; moving: { to: string; percent: number } | null }>('GET', '/_local/clock', { signal }),
    'clock',
  );
  const [advance, setAdvance] = useState('P1D');
  const [outcome, run] = useAction<{ now: string }>();
  const move = async (duration: string) => {
    if (await run(() => local<{ now: string }>('POST', '/_local/clock', { body: { advance: duration } }), (a) => `The clock moved ${duration} to ${instant(a.now)}; everything due in between has happened.`)) reload();
  };
  return (
    <section aria-labelledby="clock-title">
      <h1 id="clock-title">Clock</h1>
      <Loaded load={load} what="the clock">
        {(c) => (
          <p>
            Now: <strong data-testid="clock-now">{instant(c.now)}</strong> <span class="muted">({c.now})</span>. {c.pendingTimers.length} timer(s) waiting
            {c.pendingTimers[0] ? `, the next at ${instant(c.pendingTimers[0])}` : ''}.
            {c.moving ? ` Moving to ${instant(c.moving.to)}: ${c.moving.percent}% done.` : ''}
          </p>
        )}
      </Loaded>
      <div class="actions">
        {['P1D', 'P7D', 'P30D'].map((d) => (
          <button type="button" key={d} onClick={() => void move(d)} disabled={outcome.kind === 'busy'}>
            Forward {d.slice(1, -1)} day{d === 'P1D' ? '' : 's'}
          </button>
        ))}
      </div>
      <form
        class="inline-form"
        aria-label="Move the clock"
        onSubmit={(e) => {
          e.preventDefault();
          void move(advance.trim());
        }}
      >
        <Field label="Move forward by (ISO 8601 duration)" value={advance} onInput={setAdvance} hint="P1D is one day, PT6H six hours, P2W two weeks; at most P366D (a year) at once" />
        <button type="submit" disabled={outcome.kind === 'busy'}>
          Move the clock
        </button>
      </form>
      <OutcomeMessage outcome={outcome} />
    </section>
  );
}
