/** "How much are we owed, how late, and what needs me today?" */
import { CashForecastPanel } from './predictions';
import { useState } from 'preact/hooks';
import { ApiError, describeError, saveFile, typed, typedDownload } from '../api';
import { AgingChart, TrendChart } from '../charts';
import { Loaded, Select, useLoad } from '../components';
import { figure, money } from '../format';
import { href } from '../router';

interface AgingRow {
  readonly buckets: Record<string, string>;
  readonly total: string;
  readonly overdue: string;
  readonly itemCount: number;
}
export interface AgingReport {
  readonly asOf: string;
  readonly buckets: readonly string[];
  readonly currencies: readonly (AgingRow & { currency: string; customers: readonly (AgingRow & { customerId: string; customerName: string })[] })[];
}
interface CurrencyKpis {
  readonly currency: string;
  readonly endingReceivables: string;
  readonly endingOverdueReceivables: string;
  readonly collected: string;
  readonly creditSales: string;
  readonly dso: number | null;
  readonly dsoLowerBound: boolean;
  readonly cei: number | null;
}
interface RateFigures {
  readonly creditLines: number;
  readonly appliedAutomatically: number;
  readonly rate: number | null;
}
interface KpiReport {
  readonly period: string;
  readonly from: string;
  readonly to: string;
  readonly currencies: readonly CurrencyKpis[];
  readonly autoMatch: { period: RateFigures; allTime: RateFigures } | 'n/a';
  readonly promises: { kept: number; broken: number } | 'n/a';
  readonly trend: readonly { period: string; currencies: readonly CurrencyKpis[] }[];
}
interface DunningRun {
  readonly runId: string;
  readonly asOf: string;
  readonly status: string;
  readonly completedAt?: string | null;
  readonly counts?: Record<string, number>;
  readonly [key: string]: unknown;
}

/** The last dunning run of the past week: run ids are `run-<date>`. */
async function lastDunningRun(today: string, signal: AbortSignal): Promise<DunningRun | 'none' | 'unavailable'> {
  for (let back = 0; back < 8; back++) {
    const date = new Date(Date.parse(`${today}T00:00:00Z`) - back * 86_400_000).toISOString().slice(0, 10);
    try {
      return await typed((c) => c.getDunningRunsRunId({ path: { runId: `run-${date}` } }, { signal })).then((answer): DunningRun => answer);
    } catch (error) {
      if (error instanceof ApiError && error.routeMissing) return 'unavailable';
      if (error instanceof ApiError && error.status === 404) continue;
      throw error;
    }
  }
  return 'none';
}

/** Saves a CSV the API answers (through the typed client's download, `Accept: text/csv`). */
async function downloadCsv(csv: () => Promise<Blob>, filename: string, setMessage: (m: string) => void) {
  try {
    saveFile(await csv(), filename);
    setMessage(`Downloaded ${filename}.`);
  } catch (error) {
    setMessage(`The CSV could not be downloaded: ${describeError(error)}`);
  }
}

export function Dashboard() {
  const [aging] = useLoad((signal) => typed((c) => c.getReportsAging(undefined, { signal })).then((answer): AgingReport => answer), 'aging');
  const [kpis] = useLoad((signal) => typed((c) => c.getReportsKpis({ query: { trendMonths: 6 } }, { signal })).then((answer): KpiReport => answer), 'kpis');
  const today = aging.state === 'ready' ? aging.value.asOf : undefined;
  const [run] = useLoad((signal) => (today ? lastDunningRun(today, signal) : Promise.resolve('none' as const)), `run-${today}`);
  const [chosen, setChosen] = useState('');
  const [message, setMessage] = useState('');

  return (
    <section aria-labelledby="dashboard-title">
      <h1 id="dashboard-title">Dashboard</h1>
      <Loaded load={aging} what="the aging report">
        {(report) => {
          const currencies = report.currencies.map((c) => c.currency);
          const currency = currencies.includes(chosen) ? chosen : (currencies[0] ?? '');
          const row = report.currencies.find((c) => c.currency === currency);
          const kpi = kpis.state === 'ready' ? kpis.value.currencies.find((c) => c.currency === currency) : undefined;
          return (
            <>
              <p class="muted">
                Open items as of {report.asOf}. {report.currencies.length === 0 && 'Nothing is owed right now.'}
              </p>
              <div class="cards" aria-label="Receivables per currency">
                {report.currencies.map((c) => (
                  <div class="card" key={c.currency} data-testid={`receivables-${c.currency}`}>
                    <h2>{c.currency}</h2>
                    <dl>
                      <dt>Receivables</dt>
                      <dd class="big">{money(c.total, c.currency)}</dd>
                      <dt>Overdue</dt>
                      <dd class={c.overdue !== '0' && Number(c.overdue) > 0 ? 'big warn' : 'big'}>{money(c.overdue, c.currency)}</dd>
                      <dt>Open items</dt>
                      <dd>{c.itemCount}</dd>
                    </dl>
                  </div>
                ))}
              </div>
              {currencies.length > 1 && <Select label="Currency shown below" value={currency} onChange={setChosen} options={currencies.map((c) => [c, c] as const)} />}
              {row && (
                <div class="grid-2">
                  <section aria-labelledby="aging-title" class="panel">
                    <h2 id="aging-title">Aging ({currency})</h2>
                    <AgingChart currency={currency} buckets={row.buckets} order={report.buckets} />
                    <table class="compact">
                      <caption class="visually-hidden">Aging buckets of {currency}</caption>
                      <thead>
                        <tr>
                          {report.buckets.map((b) => (
                            <th scope="col" key={b}>
                              {b === 'current' ? 'Current' : b === 'over-90' ? '> 90 days' : `${b} days`}
                            </th>
                          ))}
                        </tr>
                      </thead>
                      <tbody>
                        <tr>
                          {report.buckets.map((b) => (
                            <td key={b} class="num">
                              {money(row.buckets[b])}
                            </td>
                          ))}
                        </tr>
                      </tbody>
                    </table>
                    <h3>Largest balances</h3>
                    <table class="compact">
                      <thead>
                        <tr>
                          <th scope="col">Customer</th>
                          <th scope="col">Total</th>
                          <th scope="col">Overdue</th>
                          <th scope="col">Items</th>
                        </tr>
                      </thead>
                      <tbody>
                        {row.customers.slice(0, 8).map((c) => (
                          <tr key={c.customerId}>
                            <td>
                              <a href={href('invoices', undefined, { customerId: c.customerId })}>{c.customerName || c.customerId}</a>
                            </td>
                            <td class="num">{money(c.total)}</td>
                            <td class="num">{money(c.overdue)}</td>
                            <td class="num">{c.itemCount}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </section>
                  <section aria-labelledby="kpi-title" class="panel">
                    <h2 id="kpi-title">Collection ({currency})</h2>
                    <Loaded load={kpis} what="the KPIs">
                      {(k) => (
                        <>
                          <dl class="kpis">
                            <dt>
                              <abbr title="Days sales outstanding, countback method">DSO</abbr>
                            </dt>
                            <dd data-testid="dso">{kpi ? `${kpi.dsoLowerBound ? '≥ ' : ''}${figure(kpi.dso, ' days', 'no receivables')}` : '–'}</dd>
                            <dt>
                              <abbr title="Collection effectiveness index">CEI</abbr>
                            </dt>
                            <dd data-testid="cei">{kpi ? figure(kpi.cei, ' %') : '–'}</dd>
                            <dt>Collected this period</dt>
                            <dd data-testid="collected">{kpi ? money(kpi.collected, currency) : '–'}</dd>
                            <dt>Credit sales this period</dt>
                            <dd>{kpi ? money(kpi.creditSales, currency) : '–'}</dd>
                          </dl>
                          <p class="muted">
                            Period {k.from} to {k.to}.
                          </p>
                          <TrendChart
                            currency={currency}
                            months={k.trend.map((t) => {
                              const c = t.currencies.find((x) => x.currency === currency);
                              return { period: t.period, dso: c?.dso ?? null, cei: c?.cei ?? null };
                            })}
                          />
                        </>
                      )}
                    </Loaded>
                  </section>
                </div>
              )}
            </>
          );
        }}
      </Loaded>
      <CashForecastPanel />
      <div class="cards">
        <div class="card">
          <h2>Auto-match rate</h2>
          <Loaded load={kpis} what="the auto-match rate">
            {(k) =>
              k.autoMatch === 'n/a' ? (
                <p data-testid="auto-match">Not available: this API has no cash application results yet.</p>
              ) : (
                <p data-testid="auto-match">
                  {k.autoMatch.period.rate === null ? <span>No statement lines this period.</span> : <span class="big">{figure(k.autoMatch.period.rate, ' %')}</span>}
                  <br />
                  {k.autoMatch.period.appliedAutomatically} of {k.autoMatch.period.creditLines} statement lines applied automatically this period; all time{' '}
                  {figure(k.autoMatch.allTime.rate, ' %', 'n/a')}.
                </p>
              )
            }
          </Loaded>
        </div>
        <div class="card">
          <h2>Promises to pay</h2>
          <Loaded load={kpis} what="promises">
            {(k) => (k.promises === 'n/a' ? <p>Not available in this API yet.</p> : <p>{k.promises.kept} kept, {k.promises.broken} broken this period.</p>)}
          </Loaded>
        </div>
        <div class="card" data-testid="dunning-run">
          <h2>Last dunning run</h2>
          <Loaded load={run} what="the last dunning run">
            {(r) =>
              r === 'unavailable' ? (
                <p>Dunning is not available in this API yet.</p>
              ) : r === 'none' ? (
                <p>No dunning run in the last 7 days.</p>
              ) : (
                <div>
                  <p>
                    {r.runId} ({r.status.toLowerCase()}) as of {r.asOf}
                  </p>
                  {r.counts && (
                    <ul>
                      {Object.entries(r.counts).map(([k, v]) => (
                        <li key={k}>
                          {k.replace(/([A-Z])/g, ' $1').toLowerCase()}: {v}
                        </li>
                      ))}
                    </ul>
                  )}
                </div>
              )
            }
          </Loaded>
        </div>
      </div>
      <div class="actions">
        <button type="button" onClick={() => void downloadCsv(() => typedDownload('getReportsAging', 'text/csv', {}), `aging-${today ?? 'today'}.csv`, setMessage)}>
          Download aging as CSV
        </button>
        <button type="button" onClick={() => void downloadCsv(() => typedDownload('getReportsKpis', 'text/csv', { query: { trendMonths: 12 } }), 'kpis.csv', setMessage)}>
          Download KPIs as CSV
        </button>
        <p role="status" aria-live="polite">
          {message}
        </p>
      </div>
    </section>
  );
}
