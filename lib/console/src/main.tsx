/** The finance console: navigation, the connection, and the page of the current route. */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { loadConnection } from './api';
import { isLocalRuntime } from './local-runtime';
import { href, useRoute } from './router';
import { ConnectionPage } from './pages/connection';
import { Dashboard } from './pages/dashboard';
import { InvoiceList, InvoicePage } from './pages/invoices';
import { Clock, Emails } from './pages/local';
import { OrderList, OrderPage } from './pages/orders';
import { Worklists } from './pages/worklists';
import './style.css';

/** True when the API is the local runtime (its open health route answers). */
function useIsLocal(connected: boolean): boolean {
  const [local, setLocal] = useState(false);
  useEffect(() => {
    void isLocalRuntime().then(setLocal);
  }, [connected]);
  return local;
}

function App() {
  const route = useRoute();
  const [connected, setConnected] = useState(() => loadConnection() !== undefined);
  const local = useIsLocal(connected);
  const page = connected ? route.page : 'connection';
  const nav: [string, string][] = [
    ['dashboard', 'Dashboard'],
    ['orders', 'Orders'],
    ['invoices', 'Invoices'],
    ['worklists', 'Worklists'],
    ...(local ? ([['emails', 'Sent emails'], ['clock', 'Clock']] as [string, string][]) : []),
    ['connection', 'Connection'],
  ];
  useEffect(() => {
    const title = nav.find(([p]) => p === page)?.[1] ?? 'Finance console';
    document.title = `${route.id ? `${route.id} · ` : ''}${title} · Finance console`;
  });

  let content;
  if (page === 'connection') content = <ConnectionPage onSaved={() => setConnected(loadConnection() !== undefined)} />;
  else if (page === 'orders') content = route.id ? <OrderPage orderId={route.id} key={route.id} /> : <OrderList params={route.params} key={route.params.toString()} />;
  else if (page === 'invoices') content = route.id ? <InvoicePage invoiceId={route.id} key={route.id} /> : <InvoiceList params={route.params} key={route.params.toString()} />;
  else if (page === 'worklists') content = <Worklists />;
  else if (page === 'emails') content = <Emails />;
  else if (page === 'clock') content = <Clock />;
  else content = <Dashboard />;

  return (
    <>
      <a class="skip-link" href="#main">
        Skip to the content
      </a>
      <header>
        <span class="brand">Order-to-cash · Finance</span>
        <nav aria-label="Console">
          <ul>
            {nav.map(([p, label]) => (
              <li key={p}>
                <a href={href(p)} aria-current={p === page ? 'page' : undefined}>
                  {label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        {local && <span class="local-badge">local</span>}
      </header>
      <main id="main" tabIndex={-1}>
        {!connected && page !== 'connection' ? null : content}
      </main>
    </>
  );
}

const root = document.getElementById('app');
if (root) render(<App />, root);
