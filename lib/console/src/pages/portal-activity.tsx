/**
 * What a customer did in the portal (issue 12), as finance reads it: every action with who (the
 * pay link), when, from where (source address and user agent), and whether it waits for finance
 * (a promise outside the policy's limits). Shown with the customer's invoices.
 */
import { typed } from '../api';
import { Loaded, useLoad } from '../components';
import { instant } from '../format';

interface PortalActivityItem {
  readonly at: string;
  readonly action: string;
  readonly actor: string;
  readonly sourceIp: string | null;
  readonly userAgent: string | null;
  readonly invoiceId: string | null;
  readonly status: 'done' | 'waiting-for-finance';
  readonly summary: string;
}

export function PortalActivityPanel({ customerId }: { customerId: string }) {
  const [load] = useLoad((signal) => typed((c) => c.getCustomersCustomerIdPortalActivity({ path: { customerId } }, { signal })).then((answer): { items: readonly PortalActivityItem[] } => answer), `portal-activity-${customerId}`);
  return (
    <section aria-labelledby="portal-activity-title" id="portal-activity">
      <h2 id="portal-activity-title">Portal activity of {customerId}</h2>
      <Loaded load={load} what="portal activity">
        {({ items }) =>
          items.length === 0 ? (
            <p>The customer has done nothing in the portal yet.</p>
          ) : (
            <table>
              <caption class="sr-only">What the customer did in the portal, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Action</th>
                  <th scope="col">Status</th>
                  <th scope="col">What</th>
                  <th scope="col">Who</th>
                  <th scope="col">From</th>
                </tr>
              </thead>
              <tbody>
                {items.map((i) => (
                  <tr key={`${i.at}-${i.action}`} data-action={i.action}>
                    <td>{instant(i.at)}</td>
                    <td>{i.action}</td>
                    <td>{i.status === 'waiting-for-finance' ? <strong>waits for finance</strong> : 'done'}</td>
                    <td>{i.summary}</td>
                    <td>{i.actor}</td>
                    <td>
                      {i.sourceIp ?? 'unknown address'}
                      {i.userAgent ? <div class="muted">{i.userAgent}</div> : null}
                    </td>
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
