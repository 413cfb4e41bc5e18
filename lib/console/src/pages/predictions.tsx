/** What the payment predictions show: the cash-in forecast (dashboard) and an invoice's predicted payment. */
import { useState } from 'preact/hooks';
import { ApiError, typed } from '../api';
import { CashForecastChart } from '../charts';
import { Loaded, Select, useLoad } from '../components';
import { money } from '../format';

interface ForecastWeek {
  readonly weekStart: string;
  readonly currency: string;
  readonly expected: string;
  readonly low: string;
  readonly high: string;
}
export interface CashForecast {
  readonly madeOn: string | null;
  readonly modelVersion: string | null;
  readonly weeks: readonly ForecastWeek[];
  readonly backtest: { readonly madeOn: string; readonly currencies: readonly { currency: string; wape: number | null; coverage: number }[] } | null;
  readonly note?: string;
}

export interface InvoicePrediction {
  readonly predictedPaidDate: string;
  readonly interval80: { readonly low: string; readonly high: string };
  readonly latenessDays: number;
  readonly probabilityLate: { readonly over0: number; readonly over30: number; readonly over60: number };
  readonly reasons: readonly string[];
  readonly basis: string;
  readonly modelVersion: string;
  readonly predictedOn: string;
}

const percent = (p: number) => `${Math.round(p * 100)} %`;

/** The forecast panel of the dashboard: a chart per currency, the table of weeks, and the backtest. */
export function CashForecastPanel() {
  const [forecast] = useLoad(async (signal) => {
    try {
      return await typed((c) => c.getReportsCashForecast(undefined, { signal })).then((answer): CashForecast => answer);
    } catch (error) {
      if (error instanceof ApiError && error.routeMissing) return 'unavailable' as const;
      throw error;
    }
  }, 'cash-forecast');
  const [chosen, setChosen] = useState('');
  return (
    <section aria-labelledby="forecast-title" class="panel" data-testid="cash-forecast">
      <h2 id="forecast-title">Cash-in forecast, 13 weeks</h2>
      <Loaded load={forecast} what="the cash-in forecast">
        {(f) => {
          if (f === 'unavailable') return <p>Not available in this API yet.</p>;
          if (f.madeOn === null) return <p>{f.note ?? 'No forecast yet.'}</p>;
          const currencies = [...new Set(f.weeks.map((w) => w.currency))];
          const currency = currencies.includes(chosen) ? chosen : (currencies[0] ?? '');
          const weeks = f.weeks.filter((w) => w.currency === currency);
          const backtest = f.backtest?.currencies.find((c) => c.currency === currency);
          return (
            <>
              <p class="muted">
                Made {f.madeOn} from the open items' predicted payment dates (model {f.modelVersion}).
                {backtest && backtest.wape !== null && ` The forecast of ${f.backtest!.madeOn} missed what arrived by ${percent(backtest.wape)} (weighted absolute error); ${percent(backtest.coverage)} of its weeks fell inside the interval.`}
              </p>
              {currencies.length > 1 && <Select label="Forecast currency" value={currency} onChange={setChosen} options={currencies.map((c) => [c, c] as const)} />}
              <CashForecastChart currency={currency} weeks={weeks} />
              <table class="compact">
                <caption class="visually-hidden">Cash-in forecast of {currency} by week</caption>
                <thead>
                  <tr>
                    <th scope="col">Week of</th>
                    <th scope="col" class="num">
                      Expected
                    </th>
                    <th scope="col" class="num">
                      80% interval
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {weeks.map((w) => (
                    <tr key={w.weekStart}>
                      <td>{w.weekStart}</td>
                      <td class="num">{money(w.expected, currency)}</td>
                      <td class="num">
                        {money(w.low)} – {money(w.high)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          );
        }}
      </Loaded>
    </section>
  );
}

/** An invoice's predicted payment with its interval, late probabilities and reasons. */
export function PredictionPanel({ prediction }: { prediction: InvoicePrediction | null | undefined }) {
  return (
    <section class="panel" aria-labelledby="prediction-title" data-testid="invoice-prediction">
      <h2 id="prediction-title">Predicted payment</h2>
      {!prediction ? (
        <p>No prediction: the invoice is settled, or the prediction run has not seen it yet.</p>
      ) : (
        <>
          <p>
            <strong>{prediction.predictedPaidDate}</strong> ({prediction.latenessDays >= 0 ? `${prediction.latenessDays} days after due` : `${-prediction.latenessDays} days before due`}); 80% between{' '}
            {prediction.interval80.low} and {prediction.interval80.high}.
          </p>
          <p>
            Paid late: {percent(prediction.probabilityLate.over0)}; more than 30 days late: {percent(prediction.probabilityLate.over30)}; more than 60 days:{' '}
            {percent(prediction.probabilityLate.over60)}.
          </p>
          <h3>Why</h3>
          <ul>
            {prediction.reasons.map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ul>
          <p class="muted">
            From {prediction.basis}, model {prediction.modelVersion}, predicted on {prediction.predictedOn}.
          </p>
        </>
      )}
    </section>
  );
}
