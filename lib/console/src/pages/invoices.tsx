/** Invoices: the list with filters, an invoice's page with allocations, dunning, document and actions. */
import { PredictionPanel, type InvoicePrediction } from './predictions';
import { useEffect, useState } from 'preact/hooks';
import type { RequestOptions } from '../../../api-client/client';
import { describeError, saveFile, typed, typedDownload, type TypedClient } from '../api';
import { local } from '../local-runtime';
import { Field, Loaded, OutcomeMessage, Pager, Select, StatusBadge, useAction, useLoad, usePaged } from '../components';
import { daysBetween, fromMinor, instant, money } from '../format';
import { href } from '../router';
import { PortalActivityPanel } from './portal-activity';

export const INVOICE_STATUSES = ['OPEN', 'PARTIALLY_PAID', 'OVERDUE', 'DISPUTED', 'PAID', 'WRITTEN_OFF', 'CREDITED'] as const;

export interface InvoiceView {
  /** Finance only, open invoices: the payment prediction (issue 14). */
  readonly prediction?: InvoicePrediction | null;
  readonly invoiceId: string;
  readonly number: string;
  readonly rfReference: string;
  readonly orderId?: string | null;
  readonly customerId: string;
  readonly customerName: string;
  readonly currency: string;
  readonly total: string;
  readonly paid: string;
  readonly balance: string;
  readonly status: string;
  readonly issueDate: string;
  readonly dueDate: string;
  readonly sentAt: string | null;
  readonly allocations: readonly { paymentId: string; amount: string; at: string }[];
  readonly history?: readonly { status: string; at: string; note?: string }[];
  readonly dunning?: {
    readonly level?: number;
    readonly blockedUntil?: string | null;
    readonly history?: readonly { level: number; at: string; channel: string; messageId: string | null; event?: string; note?: string; state?: string }[];
    readonly block?: { kind: string; reason: string; until: string | null; since: string } | null;
    readonly disputes?: readonly { disputeId: string; status: string; reason?: string; amountMinor?: number | null; openedAt?: string; resolution?: string | null }[];
    readonly promises?: readonly { promiseId?: string; amountMinor?: number; promisedDate?: string; status?: string; recordedAt?: string; closedAt?: string | null }[];
    readonly handedToCollectorAt?: string | null;
    readonly [k: string]: unknown;
  };
}

/** Today's date: the local runtime's clock when there is one (it can be moved), else this computer's. */
export function useToday(): string {
  const [today, setToday] = useState(() => new Date().toISOString().slice(0, 10));
  useEffect(() => {
    local<{ now: string }>('GET', '/_local/clock')
      .then((c) => setToday(c.now.slice(0, 10)))
      .catch(() => undefined);
  }, []);
  return today;
}

export function InvoiceTable({ items, today }: { items: readonly InvoiceView[]; today: string }) {
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">Number</th>
          <th scope="col">Customer</th>
          <th scope="col">Status</th>
          <th scope="col">Due</th>
          <th scope="col" class="num">
            Days past due
          </th>
          <th scope="col" class="num">
            Balance
          </th>
        </tr>
      </thead>
      <tbody>
        {items.map((i) => {
          const late = daysBetween(i.dueDate, today);
          return (
            <tr key={i.invoiceId}>
              <td>
                <a href={href('invoices', i.invoiceId)}>{i.number}</a>
              </td>
              <td>{i.customerName || i.customerId}</td>
              <td>
                <StatusBadge status={i.status} />
              </td>
              <td>{i.dueDate}</td>
              <td class="num">{late > 0 && Number(i.balance) > 0 ? late : ''}</td>
              <td class="num">{money(i.balance, i.currency)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function InvoiceList({ params }: { params: URLSearchParams }) {
  const today = useToday();
  const [status, setStatus] = useState(params.get('status') ?? (params.get('customerId') ? '' : 'OPEN'));
  const [customerId, setCustomerId] = useState(params.get('customerId') ?? '');
  const [minDays, setMinDays] = useState(params.get('minDaysPastDue') ?? '');
  const [applied, setApplied] = useState({ status, customerId, minDays });
  const [problem, setProblem] = useState('');
  const min = applied.minDays === '' ? undefined : Number(applied.minDays);
  // "At least N days past due" is asked of the API as due on or before today minus N days.
  const dueOnOrBefore = min === undefined ? '' : new Date(Date.parse(`${today}T00:00:00Z`) - min * 86_400_000).toISOString().slice(0, 10);
  const filter = { status: INVOICE_STATUSES.find((s) => s === applied.status), customerId: applied.customerId || undefined, dueOnOrBefore: dueOnOrBefore || undefined };
  const { load, next, previous, page } = usePaged(`invoices-${applied.status}-${applied.customerId}-${dueOnOrBefore}`, (p, signal) =>
    typed((c) => c.getInvoices({ query: { ...filter, ...p } }, { signal })).then((answer): { items: readonly InvoiceView[]; cursor: string | null } => answer),
  );
  return (
    <section aria-labelledby="invoices-title">
      <h1 id="invoices-title">Invoices</h1>
      <form
        class="filters"
        aria-label="Invoice filters"
        onSubmit={(e) => {
          e.preventDefault();
          if (!status && !customerId.trim()) return setProblem('Choose a status or give a customer id (the API lists invoices by one of them).');
          if (minDays !== '' && !/^\d+$/.test(minDays)) return setProblem('Days past due must be a whole number.');
          setProblem('');
          setApplied({ status, customerId: customerId.trim(), minDays });
        }}
      >
        <Select label="Status" value={status} onChange={setStatus} options={[['', 'Any status (needs a customer)'], ...INVOICE_STATUSES.map((s) => [s, s.replace(/_/g, ' ').toLowerCase()] as const)]} />
        <Field label="Customer id" value={customerId} onInput={setCustomerId} placeholder="any customer" />
        <Field label="At least days past due" value={minDays} onInput={setMinDays} type="number" hint="Open balance, due at least this many days ago" />
        <button type="submit">Show invoices</button>
        <p class="error" role="alert">
          {problem}
        </p>
      </form>
      <Loaded load={load} what="invoices">
        {({ items }) => {
          const shown = min === undefined ? items : items.filter((i) => daysBetween(i.dueDate, today) >= min && Number(i.balance) > 0);
          return shown.length === 0 ? <p>No invoices match.</p> : <InvoiceTable items={shown} today={today} />;
        }}
      </Loaded>
      <Pager page={page} next={next} previous={previous} label="invoices" />
      {applied.customerId ? <PortalActivityPanel key={applied.customerId} customerId={applied.customerId} /> : null}
    </section>
  );
}

interface ActionField {
  readonly name: string;
  readonly label: string;
  readonly type?: string;
  readonly optional?: boolean;
  readonly placeholder?: string;
}

/** The values of an action's form by field name; an optional field left empty is absent. */
type ActionValues = Readonly<Record<string, string | undefined>>;

/**
 * One action finance takes on an invoice: a form asking for what the API needs, the outcome in
 * words. `call` makes the typed client's call from the form's values.
 */
function InvoiceAction<T>({ title, call, fields, done, onDone }: { title: string; call: (client: TypedClient, values: ActionValues, init: RequestOptions, idempotencyKey: string) => Promise<T>; fields: readonly ActionField[]; done: (answer: T) => string; onDone: () => void }) {
  const [values, setValues] = useState<Record<string, string>>({});
  const [outcome, run] = useAction<T>();
  return (
    <form
      class="panel action"
      aria-label={title}
      onSubmit={async (e) => {
        e.preventDefault();
        const given: ActionValues = Object.fromEntries(fields.filter((f) => !(f.optional && !values[f.name])).map((f) => [f.name, values[f.name] ?? '']));
        if (await run((init, key) => typed((c) => call(c, given, init, key)), done)) onDone();
      }}
    >
      <h3>{title}</h3>
      {fields.map((f) => (
        <Field
          key={f.name}
          label={`${f.label}${f.optional ? ' (optional)' : ''}`}
          type={f.type}
          placeholder={f.placeholder}
          value={values[f.name] ?? ''}
          onInput={(v) => setValues((old) => ({ ...old, [f.name]: v }))}
        />
      ))}
      <button type="submit" disabled={outcome.kind === 'busy'}>
        {title}
      </button>
      <OutcomeMessage outcome={outcome} />
    </form>
  );
}

/** The outcome of a dispute as the API takes it; anything else is refused here with the API's words. */
function disputeOutcome(value: string | undefined): 'credit' | 'reject' {
  if (value === 'credit' || value === 'reject') return value;
  throw new Error('Refused: outcome must be credit or reject.');
}

function DocumentPreview({ invoiceId, number }: { invoiceId: string; number: string }) {
  const [html] = useLoad((signal) => typedDownload('getInvoicesInvoiceIdDocument', 'text/html', { path: { invoiceId } }, signal).then((blob) => blob.text()), `doc-${invoiceId}`);
  const [message, setMessage] = useState('');
  const pdf = async () => {
    try {
      saveFile(await typedDownload('getInvoicesInvoiceIdDocument', 'application/pdf', { path: { invoiceId } }), `${number}.pdf`);
      setMessage(`Downloaded ${number}.pdf.`);
    } catch (error) {
      setMessage(`The PDF could not be downloaded: ${describeError(error)}`);
    }
  };
  return (
    <section class="panel" aria-labelledby="document-title">
      <h2 id="document-title">Document</h2>
      <button type="button" onClick={() => void pdf()}>
        Download PDF
      </button>
      <span role="status" aria-live="polite">
        {' '}
        {message}
      </span>
      <Loaded load={html} what="the document preview">
        {(text) => <iframe class="document" title={`Invoice ${number} as the customer sees it`} sandbox="" srcDoc={text} />}
      </Loaded>
    </section>
  );
}

export function InvoicePage({ invoiceId }: { invoiceId: string }) {
  const [invoice, reload] = useLoad((signal) => typed((c) => c.getInvoicesInvoiceId({ path: { invoiceId } }, { signal })).then((answer): InvoiceView => answer), `invoice-${invoiceId}`);
  return (
    <section aria-labelledby="invoice-title">
      <p>
        <a href={href('invoices')}>← Invoices</a>
      </p>
      <Loaded load={invoice} what="the invoice">
        {(i) => {
          const openDispute = i.dunning?.disputes?.find((d) => d.status === 'open');
          return (
            <>
              <h1 id="invoice-title">Invoice {i.number}</h1>
              <dl class="facts">
                <dt>Status</dt>
                <dd data-testid="invoice-status">
                  <StatusBadge status={i.status} />
                </dd>
                <dt>Customer</dt>
                <dd>
                  <a href={href('invoices', undefined, { customerId: i.customerId })}>{i.customerName || i.customerId}</a>
                </dd>
                <dt>Total / paid / balance</dt>
                <dd>
                  {money(i.total, i.currency)} / {money(i.paid)} / <strong>{money(i.balance)}</strong>
                </dd>
                <dt>Issued / due</dt>
                <dd>
                  {i.issueDate} / {i.dueDate}
                </dd>
                <dt>RF reference</dt>
                <dd>
                  <code>{i.rfReference}</code>
                </dd>
                {i.orderId && (
                  <>
                    <dt>Order</dt>
                    <dd>
                      <a href={href('orders', i.orderId)}>{i.orderId}</a>
                    </dd>
                  </>
                )}
                <dt>Sent</dt>
                <dd>{instant(i.sentAt)}</dd>
              </dl>
              {i.prediction !== undefined && <PredictionPanel prediction={i.prediction} />}
              <div class="grid-2">
                <section class="panel" aria-labelledby="allocations-title">
                  <h2 id="allocations-title">Allocations</h2>
                  {i.allocations.length === 0 ? (
                    <p>No payment applied yet.</p>
                  ) : (
                    <table>
                      <thead>
                        <tr>
                          <th scope="col">Payment</th>
                          <th scope="col" class="num">
                            Amount
                          </th>
                          <th scope="col">At</th>
                        </tr>
                      </thead>
                      <tbody>
                        {i.allocations.map((a, n) => (
                          <tr key={`${a.paymentId}-${n}`}>
                            <td>{a.paymentId}</td>
                            <td class="num">{money(a.amount, i.currency)}</td>
                            <td>{instant(a.at)}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  )}
                </section>
                <section class="panel" aria-labelledby="dunning-title">
                  <h2 id="dunning-title">Dunning</h2>
                  <p>
                    Level {i.dunning?.level ?? 0}
                    {i.dunning?.block ? `; blocked (${i.dunning.block.kind}: ${i.dunning.block.reason}) ${i.dunning.block.until ? `until ${i.dunning.block.until}` : 'until resolved'}` : i.dunning?.blockedUntil ? `; blocked until ${i.dunning.blockedUntil}` : ''}
                    {i.dunning?.handedToCollectorAt ? `; handed to collectors ${instant(i.dunning.handedToCollectorAt)}` : ''}.
                  </p>
                  {(i.dunning?.history ?? []).length === 0 ? (
                    <p>No reminder sent.</p>
                  ) : (
                    <table>
                      <thead>
                        <tr>
                          <th scope="col">At</th>
                          <th scope="col">Level</th>
                          <th scope="col">What</th>
                          <th scope="col">Channel</th>
                        </tr>
                      </thead>
                      <tbody>
                        {(i.dunning?.history ?? []).map((h, n) => (
                          <tr key={n}>
                            <td>{instant(h.at)}</td>
                            <td>{h.level}</td>
                            <td>
                              {h.event ?? ''}
                              {h.note ? ` ${h.note}` : ''}
                            </td>
                            <td>{h.channel}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  )}
                  {(i.dunning?.disputes ?? []).map((d) => (
                    <p key={d.disputeId}>
                      Dispute {d.disputeId}
                      {d.amountMinor ? ` of ${money(fromMinor(d.amountMinor, i.currency), i.currency)}` : ''}: {d.status}
                      {d.reason ? ` (${d.reason})` : ''}
                      {d.resolution ? `, ${d.resolution}` : ''}
                    </p>
                  ))}
                  {(i.dunning?.promises ?? []).map((p, n) => (
                    <p key={p.promiseId ?? n}>
                      Promise{p.amountMinor !== undefined ? ` of ${money(fromMinor(p.amountMinor, i.currency), i.currency)}` : ''}
                      {p.promisedDate ? ` by ${p.promisedDate}` : ''}
                      {p.status ? `: ${p.status}` : ''}
                    </p>
                  ))}
                </section>
              </div>
              <section aria-labelledby="actions-title">
                <h2 id="actions-title">Actions</h2>
                <p class="muted">Each action calls the API; if this API does not offer it yet, the answer says so.</p>
                <div class="grid-2">
                  <InvoiceAction
                    title="Open a dispute"
                    call={(c, v, init) => c.postInvoicesInvoiceIdDisputes({ path: { invoiceId }, body: { reason: v.reason ?? '', ...(v.amount ? { amount: v.amount } : {}) } }, init)}
                    fields={[
                      { name: 'reason', label: 'Reason' },
                      { name: 'amount', label: `Disputed amount in ${i.currency}`, optional: true, placeholder: i.balance },
                    ]}
                    done={(a) => `Dispute ${a.disputeId} opened: dunning is blocked until it is resolved.`}
                    onDone={reload}
                  />
                  {openDispute && (
                    <InvoiceAction
                      title="Resolve the dispute"
                      call={(c, v, init, key) =>
                        c.postInvoicesInvoiceIdDisputesDisputeIdResolve(
                          { path: { invoiceId, disputeId: openDispute.disputeId }, headers: { 'Idempotency-Key': key }, body: { outcome: disputeOutcome(v.outcome), reason: v.reason ?? '', ...(v.creditAmount ? { creditAmount: v.creditAmount } : {}) } },
                          init,
                        )
                      }
                      fields={[
                        { name: 'outcome', label: 'Outcome (credit or reject)', placeholder: 'credit' },
                        { name: 'reason', label: 'Reason' },
                        { name: 'creditAmount', label: `Credit amount in ${i.currency}`, optional: true },
                      ]}
                      done={(a) => `Dispute resolved (${a.status}); balance ${money(a.balance, i.currency)}.`}
                      onDone={reload}
                    />
                  )}
                  <InvoiceAction
                    title="Record a promise to pay"
                    call={(c, v, init) => c.postInvoicesInvoiceIdPromises({ path: { invoiceId }, body: { amount: v.amount ?? '', promisedDate: v.promisedDate ?? '' } }, init)}
                    fields={[
                      { name: 'amount', label: `Amount in ${i.currency}`, placeholder: i.balance },
                      { name: 'promisedDate', label: 'Promised date', type: 'date' },
                    ]}
                    done={() => 'Promise recorded: no reminder until the promised date.'}
                    onDone={reload}
                  />
                  <InvoiceAction
                    title="Block dunning"
                    call={(c, v, init) => c.postInvoicesInvoiceIdDunningBlock({ path: { invoiceId }, body: { reason: v.reason ?? '', until: v.until ?? '' } }, init)}
                    fields={[
                      { name: 'reason', label: 'Reason' },
                      { name: 'until', label: 'Blocked until', type: 'date' },
                    ]}
                    done={() => 'Dunning blocked.'}
                    onDone={reload}
                  />
                  <InvoiceAction
                    title="Write off"
                    call={(c, v, init, key) => c.postInvoicesInvoiceIdWriteOff({ path: { invoiceId }, headers: { 'Idempotency-Key': key }, body: { reason: v.reason ?? '', ...(v.amount ? { amount: v.amount } : {}) } }, init)}
                    fields={[
                      { name: 'reason', label: 'Reason' },
                      { name: 'amount', label: `Amount in ${i.currency}`, optional: true, placeholder: `all of ${i.balance}` },
                    ]}
                    done={(a) => `Written off ${money(a.writtenOff, i.currency)}; balance ${money(a.balance, i.currency)}.`}
                    onDone={reload}
                  />
                </div>
              </section>
              <DocumentPreview invoiceId={i.invoiceId} number={i.number} />
            </>
          );
        }}
      </Loaded>
    </section>
  );
}
