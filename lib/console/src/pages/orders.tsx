/** Orders: the list with filters, an order's page with its state picture, and the credit decision. */
import { useState } from 'preact/hooks';
import { typed } from '../api';
import { Field, Loaded, OutcomeMessage, Pager, Select, StatusBadge, useAction, useLoad, usePaged } from '../components';
import { humanize, instant, money } from '../format';
import { href } from '../router';
import { StateGraph } from '../state-graph';

export const ORDER_STATUSES = ['RECEIVED', 'CREDIT_HOLD', 'AWAITING_SHIPMENT', 'PARTIALLY_SHIPPED', 'INVOICED', 'COMPLETED', 'REJECTED', 'CANCELLED'] as const;

export interface OrderView {
  readonly orderId: string;
  readonly customerId: string;
  readonly currency: string;
  readonly externalRef: string | null;
  readonly status: string;
  readonly total: string;
  readonly netTotal: string;
  readonly taxTotal: string;
  readonly lines: readonly { lineNo: number; sku: string; quantity: number; shippedQuantity: number; unitPrice: string; gross: string; taxRate: string | null }[];
  readonly invoiceIds: readonly string[];
  readonly history: readonly { status: string; at: string; note?: string }[];
  readonly createdAt: string;
}

interface ExecutionView {
  readonly status: string;
  readonly startDate: string;
  readonly stopDate: string | null;
  readonly currentState: string | null;
  readonly lastState: string | null;
  readonly visits: readonly { name: string; enteredAt: string; exitedAt: string | null; error?: string }[];
  readonly definition: unknown;
}

export function OrderList({ params }: { params: URLSearchParams }) {
  const [status, setStatus] = useState(params.get('status') ?? '');
  const [customerId, setCustomerId] = useState(params.get('customerId') ?? '');
  const [applied, setApplied] = useState({ status, customerId });
  const filter = { status: ORDER_STATUSES.find((s) => s === applied.status), customerId: applied.customerId || undefined };
  const { load, next, previous, page } = usePaged(`orders-${applied.status}-${applied.customerId}`, (p, signal) =>
    typed((c) => c.getOrders({ query: { ...filter, ...p } }, { signal })).then((answer): { items: readonly OrderView[]; cursor: string | null } => answer),
  );
  return (
    <section aria-labelledby="orders-title">
      <h1 id="orders-title">Orders</h1>
      <form
        class="filters"
        aria-label="Order filters"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied({ status, customerId: customerId.trim() });
        }}
      >
        <Select label="Status" value={status} onChange={setStatus} options={[['', 'Any status'], ...ORDER_STATUSES.map((s) => [s, humanize(s.toLowerCase())] as const)]} />
        <Field label="Customer id" value={customerId} onInput={setCustomerId} placeholder="any customer" />
        <button type="submit">Show orders</button>
      </form>
      <Loaded load={load} what="orders">
        {({ items }) =>
          items.length === 0 ? (
            <p>No orders match.</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">Order</th>
                  <th scope="col">Customer</th>
                  <th scope="col">Status</th>
                  <th scope="col" class="num">
                    Total
                  </th>
                  <th scope="col">Placed</th>
                </tr>
              </thead>
              <tbody>
                {items.map((o) => (
                  <tr key={o.orderId}>
                    <td>
                      <a href={href('orders', o.orderId)}>{o.orderId}</a>
                    </td>
                    <td>{o.customerId}</td>
                    <td>
                      <StatusBadge status={o.status} />
                    </td>
                    <td class="num">{money(o.total, o.currency)}</td>
                    <td>{instant(o.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Loaded>
      <Pager page={page} next={next} previous={previous} label="orders" />
    </section>
  );
}

/** Approve or reject an order on credit hold, with the reason finance gives. */
export function CreditDecision({ orderId, onDecided }: { orderId: string; onDecided: () => void }) {
  const [reason, setReason] = useState('');
  const [outcome, run] = useAction<{ status: string }>();
  const decide = async (decision: 'approve' | 'reject') => {
    const answer = await run((init) => typed((c) => c.postOrdersOrderIdCreditDecision({ path: { orderId }, body: { decision, reason } }, init)), (a) =>
      decision === 'approve' ? `Approved: order ${orderId} goes on${a.status ? ` (${a.status})` : ''}.` : `Rejected: order ${orderId} will not be shipped.`,
    );
    if (answer) onDecided();
  };
  return (
    <form
      class="inline-form"
      aria-label={`Credit decision for order ${orderId}`}
      onSubmit={(e) => {
        e.preventDefault();
        void decide('approve');
      }}
    >
      <Field label={`Reason for order ${orderId}`} value={reason} onInput={setReason} placeholder="e.g. long-standing customer" required />
      <button type="submit" disabled={outcome.kind === 'busy'}>
        Approve
      </button>
      <button type="button" class="danger" disabled={outcome.kind === 'busy'} onClick={() => void decide('reject')}>
        Reject
      </button>
      <OutcomeMessage outcome={outcome} />
    </form>
  );
}

export function OrderPage({ orderId }: { orderId: string }) {
  const [order, reloadOrder] = useLoad((signal) => typed((c) => c.getOrdersOrderId({ path: { orderId } }, { signal })).then((answer): OrderView => answer), `order-${orderId}`);
  const [execution, reloadExecution] = useLoad((signal) => typed((c) => c.getOrdersOrderIdExecution({ path: { orderId } }, { signal })).then((answer): ExecutionView => answer), `execution-${orderId}`);
  const reload = () => {
    reloadOrder();
    reloadExecution();
  };
  return (
    <section aria-labelledby="order-title">
      <p>
        <a href={href('orders')}>← All orders</a>
      </p>
      <h1 id="order-title">Order {orderId}</h1>
      <Loaded load={order} what="the order">
        {(o) => (
          <>
            <dl class="facts">
              <dt>Status</dt>
              <dd data-testid="order-status">
                <StatusBadge status={o.status} />
              </dd>
              <dt>Customer</dt>
              <dd>
                <a href={href('invoices', undefined, { customerId: o.customerId })}>{o.customerId}</a>
              </dd>
              <dt>Total</dt>
              <dd>
                {money(o.total, o.currency)} (net {money(o.netTotal)}, tax {money(o.taxTotal)})
              </dd>
              <dt>Placed</dt>
              <dd>{instant(o.createdAt)}</dd>
              {o.externalRef && (
                <>
                  <dt>Storefront reference</dt>
                  <dd>{o.externalRef}</dd>
                </>
              )}
              <dt>Invoices</dt>
              <dd>
                {o.invoiceIds.length === 0
                  ? 'none yet'
                  : o.invoiceIds.map((id, i) => (
                      <span key={id}>
                        {i > 0 && ', '}
                        <a href={href('invoices', id)}>{id}</a>
                      </span>
                    ))}
              </dd>
            </dl>
            {o.status === 'CREDIT_HOLD' && (
              <section class="panel" aria-labelledby="hold-title">
                <h2 id="hold-title">On credit hold: your decision</h2>
                <p>{o.history.at(-1)?.note}</p>
                <CreditDecision orderId={o.orderId} onDecided={() => setTimeout(reload, 300)} />
              </section>
            )}
          </>
        )}
      </Loaded>
      <section class="panel" aria-labelledby="execution-title">
        <h2 id="execution-title">Where it is in the order lifecycle</h2>
        <button type="button" onClick={reload}>
          Refresh
        </button>
        <Loaded load={execution} what="the execution">
          {(x) => (
            <>
              <p data-testid="execution-status">
                Execution {x.status.toLowerCase()} since {instant(x.startDate)}
                {x.currentState ? `; now in ${x.currentState} (${humanize(x.currentState)})` : x.lastState ? `; ended in ${x.lastState}` : ''}.
              </p>
              <div class="graph-scroll">
                <StateGraph definition={x.definition} visited={x.visits.map((v) => v.name)} current={x.currentState} last={x.lastState} />
              </div>
              <h3>History</h3>
              <table>
                <thead>
                  <tr>
                    <th scope="col">State</th>
                    <th scope="col">Entered</th>
                    <th scope="col">Left</th>
                  </tr>
                </thead>
                <tbody>
                  {x.visits.map((v, i) => (
                    <tr key={`${v.name}-${i}`}>
                      <td>
                        {v.name}
                        {v.error && <span class="error"> (failed: {v.error})</span>}
                      </td>
                      <td>{instant(v.enteredAt)}</td>
                      <td>{v.exitedAt ? instant(v.exitedAt) : <strong>still here</strong>}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
        </Loaded>
      </section>
      <Loaded load={order} what="the order's lines">
        {(o) => (
          <section class="panel" aria-labelledby="lines-title">
            <h2 id="lines-title">Lines and status changes</h2>
            <table>
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">SKU</th>
                  <th scope="col" class="num">
                    Ordered
                  </th>
                  <th scope="col" class="num">
                    Shipped
                  </th>
                  <th scope="col" class="num">
                    Unit price
                  </th>
                  <th scope="col" class="num">
                    Gross
                  </th>
                </tr>
              </thead>
              <tbody>
                {o.lines.map((l) => (
                  <tr key={l.lineNo}>
                    <td>{l.lineNo}</td>
                    <td>{l.sku}</td>
                    <td class="num">{l.quantity}</td>
                    <td class="num">{l.shippedQuantity}</td>
                    <td class="num">{money(l.unitPrice)}</td>
                    <td class="num">{money(l.gross)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <ol class="history">
              {o.history.map((h, i) => (
                <li key={i}>
                  {instant(h.at)}: <StatusBadge status={h.status} /> {h.note}
                </li>
              ))}
            </ol>
          </section>
        )}
      </Loaded>
    </section>
  );
}
