/** What needs finance today: credit holds, unapplied payments, disputes, collections, promises falling due. */
import { useState } from 'preact/hooks';
import { typed } from '../api';
import { Field, Loaded, OutcomeMessage, Pager, StatusBadge, useAction, useLoad, usePaged } from '../components';
import { daysBetween, fromMinor, instant, money } from '../format';
import { href } from '../router';
import { InvoiceTable, useToday, type InvoiceView } from './invoices';
import { CreditDecision, type OrderView } from './orders';

interface Allocation {
  readonly invoiceId: string;
  readonly invoiceNumber?: string | null;
  readonly amount: string;
}

interface UnappliedPayment {
  readonly paymentId: string;
  readonly amount: string;
  readonly currency: string;
  readonly reference: string | null;
  readonly payerName: string | null;
  readonly payerAccount: string | null;
  readonly valueDate: string | null;
  readonly receivedAt: string;
  readonly unappliedAmount: string;
  readonly unappliedReason?: string | null;
  readonly suggestion: { status: string; customerId: string | null; allocations: readonly Allocation[]; confidence?: number; reasons?: readonly string[] } | null;
}

function CreditHolds() {
  const { load, next, previous, page, reload } = usePaged(
    'credit-holds',
    (p, signal) => typed((c) => c.getOrders({ query: { status: 'CREDIT_HOLD', ...p } }, { signal })).then((answer): { items: readonly OrderView[]; cursor: string | null } => answer),
    10,
  );
  return (
    <section class="panel" aria-labelledby="holds-title">
      <h2 id="holds-title">Credit holds</h2>
      <Loaded load={load} what="orders on credit hold">
        {({ items }) =>
          items.length === 0 ? (
            <p>No order waits for a credit decision.</p>
          ) : (
            <ul class="worklist">
              {items.map((o) => (
                <li key={o.orderId} data-testid={`hold-${o.orderId}`}>
                  <p>
                    <a href={href('orders', o.orderId)}>Order {o.orderId}</a> of {o.customerId}: {money(o.total, o.currency)}, placed {instant(o.createdAt)}.{' '}
                    <span class="muted">{o.history.at(-1)?.note}</span>
                  </p>
                  <CreditDecision orderId={o.orderId} onDecided={() => setTimeout(reload, 500)} />
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
      <Pager page={page} next={next} previous={previous} label="credit holds" />
    </section>
  );
}

/** Applies one payment by hand: the suggestion prefilled, every allocation editable. */
function ApplyPayment({ payment, onApplied }: { payment: UnappliedPayment; onApplied: () => void }) {
  const suggested = payment.suggestion?.allocations ?? [];
  const [rows, setRows] = useState<{ invoiceId: string; amount: string }[]>(
    suggested.length ? suggested.map((a) => ({ invoiceId: a.invoiceId, amount: a.amount })) : [{ invoiceId: '', amount: payment.unappliedAmount }],
  );
  const [outcome, run] = useAction<{ unappliedAmount: string; status: string }>();
  const set = (i: number, key: 'invoiceId' | 'amount', value: string) => setRows((old) => old.map((r, n) => (n === i ? { ...r, [key]: value } : r)));
  return (
    <form
      class="inline-form apply"
      aria-label={`Apply payment ${payment.paymentId}`}
      onSubmit={async (e) => {
        e.preventDefault();
        const allocations = rows.map((r) => ({ invoiceId: r.invoiceId.trim(), amount: r.amount.trim() }));
        const answer = await run((init, key) => typed((c) => c.postPaymentsPaymentIdApply({ path: { paymentId: payment.paymentId }, headers: { 'Idempotency-Key': key }, body: { allocations } }, init)), (a) =>
          `Applied ${rows.map((r) => `${money(r.amount, payment.currency)} to ${r.invoiceId}`).join(', ')}${a.unappliedAmount && Number(a.unappliedAmount) > 0 ? `; ${money(a.unappliedAmount, payment.currency)} still unapplied` : '; nothing left unapplied'}.`,
        );
        if (answer) setTimeout(onApplied, 800);
      }}
    >
      {rows.map((r, i) => (
        <div class="allocation" key={i}>
          <Field label={`Invoice id ${i + 1}`} value={r.invoiceId} onInput={(v) => set(i, 'invoiceId', v)} required />
          <Field label={`Amount ${i + 1} (${payment.currency})`} value={r.amount} onInput={(v) => set(i, 'amount', v)} required />
        </div>
      ))}
      <button type="button" onClick={() => setRows((old) => [...old, { invoiceId: '', amount: '' }])}>
        Add an invoice
      </button>
      <button type="submit" disabled={outcome.kind === 'busy'}>
        Apply payment
      </button>
      <OutcomeMessage outcome={outcome} />
    </form>
  );
}

function UnappliedPayments() {
  const { load, next, previous, page, reload } = usePaged(
    'unapplied',
    (p, signal) => typed((c) => c.getPaymentsUnapplied({ query: p }, { signal })).then((answer): { items: readonly UnappliedPayment[]; cursor: string | null } => answer),
    10,
  );
  return (
    <section class="panel" aria-labelledby="unapplied-title">
      <h2 id="unapplied-title">Unapplied payments</h2>
      <Loaded load={load} what="unapplied payments">
        {({ items }) =>
          items.length === 0 ? (
            <p>Every payment is applied.</p>
          ) : (
            <ul class="worklist">
              {items.map((p) => (
                <li key={p.paymentId} data-testid={`unapplied-${p.paymentId}`}>
                  <p>
                    <strong>{money(p.unappliedAmount, p.currency)}</strong> unapplied of {money(p.amount, p.currency)} from {p.payerName ?? 'an unknown payer'}
                    {p.reference ? `, reference "${p.reference}"` : ''}, received {instant(p.receivedAt)}.
                    {p.unappliedReason ? <span class="muted"> {p.unappliedReason}</span> : null}
                  </p>
                  {p.suggestion && p.suggestion.allocations.length > 0 && (
                    <p class="muted">
                      Suggested: {p.suggestion.allocations.map((a) => `${money(a.amount, p.currency)} to ${a.invoiceNumber ?? a.invoiceId}`).join(', ')}
                      {p.suggestion.confidence !== undefined ? ` (confidence ${p.suggestion.confidence})` : ''}.
                    </p>
                  )}
                  <ApplyPayment payment={p} onApplied={reload} />
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
      <Pager page={page} next={next} previous={previous} label="unapplied payments" />
    </section>
  );
}

function Disputes({ today }: { today: string }) {
  const { load, next, previous, page } = usePaged(
    'disputes',
    (p, signal) => typed((c) => c.getInvoices({ query: { status: 'DISPUTED', ...p } }, { signal })).then((answer): { items: readonly InvoiceView[]; cursor: string | null } => answer),
    10,
  );
  return (
    <section class="panel" aria-labelledby="disputes-title">
      <h2 id="disputes-title">Disputes</h2>
      <Loaded load={load} what="disputed invoices">
        {({ items }) => (items.length === 0 ? <p>No invoice is disputed.</p> : <InvoiceTable items={items} today={today} />)}
      </Loaded>
      <Pager page={page} next={next} previous={previous} label="disputes" />
    </section>
  );
}

interface WorklistRow {
  readonly rank: number;
  readonly invoiceId: string;
  readonly number: string;
  readonly customerName: string;
  readonly currency: string;
  readonly outstanding: string;
  readonly daysPastDue: number;
  readonly level: number;
  readonly brokenPromise: boolean;
  readonly openDispute: boolean;
}

function CollectorWorklist() {
  const [load] = useLoad((signal) => typed((c) => c.getCollectionsWorklist(undefined, { signal })).then((answer): { asOf: string; items: readonly WorklistRow[] } => answer), 'collections');
  return (
    <section class="panel" aria-labelledby="collections-title">
      <h2 id="collections-title">Collector worklist</h2>
      <Loaded load={load} what="the collector worklist">
        {({ items }) =>
          items.length === 0 ? (
            <p>Nothing is handed to collectors.</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">Invoice</th>
                  <th scope="col">Customer</th>
                  <th scope="col" class="num">
                    Days past due
                  </th>
                  <th scope="col" class="num">
                    Outstanding
                  </th>
                  <th scope="col">Marks</th>
                </tr>
              </thead>
              <tbody>
                {items.map((r) => (
                  <tr key={r.invoiceId}>
                    <td>{r.rank}</td>
                    <td>
                      <a href={href('invoices', r.invoiceId)}>{r.number}</a>
                    </td>
                    <td>{r.customerName}</td>
                    <td class="num">{r.daysPastDue}</td>
                    <td class="num">{money(r.outstanding, r.currency)}</td>
                    <td>{[r.brokenPromise && 'broken promise', r.openDispute && 'open dispute', `level ${r.level}`].filter(Boolean).join(', ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Loaded>
    </section>
  );
}

function PromisesFallingDue({ today }: { today: string }) {
  const [load] = useLoad((signal) => typed((c) => c.getInvoices({ query: { status: 'OVERDUE', limit: 200 } }, { signal })).then((answer): { items: readonly InvoiceView[] } => answer), 'promises');
  return (
    <section class="panel" aria-labelledby="promises-title">
      <h2 id="promises-title">Promises falling due</h2>
      <p class="muted">Open promises due within 7 days, among the first 200 overdue invoices.</p>
      <Loaded load={load} what="promises">
        {({ items }) => {
          const due = items.flatMap((i) =>
            (i.dunning?.promises ?? [])
              .filter((p) => (p.status === undefined || p.status === 'open') && p.promisedDate && daysBetween(today, p.promisedDate) <= 7)
              .map((p) => ({ invoice: i, promise: p })),
          );
          return due.length === 0 ? (
            <p>No promise falls due this week.</p>
          ) : (
            <ul>
              {due.map(({ invoice, promise }, n) => (
                <li key={n}>
                  <a href={href('invoices', invoice.invoiceId)}>{invoice.number}</a> ({invoice.customerName}): {money(fromMinor(promise.amountMinor, invoice.currency), invoice.currency)} promised by{' '}
                  {promise.promisedDate}
                </li>
              ))}
            </ul>
          );
        }}
      </Loaded>
    </section>
  );
}

function DunningRunNow() {
  const [outcome, run] = useAction<{ runId: string; counts: Record<string, number> }>();
  return (
    <section class="panel" aria-labelledby="dunning-now-title">
      <h2 id="dunning-now-title">Dunning run</h2>
      <p class="muted">The scheduler runs it daily; finance may start it now (the same code).</p>
      <button type="button" disabled={outcome.kind === 'busy'} onClick={() => void run((init) => typed((c) => c.postDunningRuns({ body: {} }, init)), (a) => `Run ${a.runId} done: ${Object.entries(a.counts).map(([k, v]) => `${k} ${v}`).join(', ')}.`)}>
        Run dunning now
      </button>
      <OutcomeMessage outcome={outcome} />
    </section>
  );
}

export function Worklists() {
  const today = useToday();
  return (
    <section aria-labelledby="worklists-title">
      <h1 id="worklists-title">Worklists</h1>
      <CreditHolds />
      <UnappliedPayments />
      <Disputes today={today} />
      <CollectorWorklist />
      <PromisesFallingDue today={today} />
      <DunningRunNow />
      <p class="muted">
        <StatusBadge status="OVERDUE" /> invoices: <a href={href('invoices', undefined, { status: 'OVERDUE' })}>the overdue list</a>.
      </p>
    </section>
  );
}
