/** GET /reports/cash-forecast (finance): the latest 13-week cash-in forecast per currency with its backtest; CSV on `Accept: text/csv`. */
import { cashForecastCsv, cashForecastView } from '../../core/prediction/views';
import type { PredictionStore } from '../../core/prediction/refresh';
import { csvResult, wantsCsv } from '../../shared/content-negotiation';
import { apiHandler } from '../../shared/http';
import { predictionStore } from '../../shared/prediction-wiring';
import { clock, coreSettings } from '../../shared/wiring';
import { calendarDateIn } from '../../core/time/clock';
import type { Clock } from '../../core/time/clock';

export function makeHandler(deps: { store: Pick<PredictionStore, 'forecastMadeOnOrBefore' | 'currentModel'>; clock: Clock; settings: { businessTimeZone: string } }) {
  return apiHandler({}, async (request) => {
    const today = calendarDateIn(deps.clock.now(), deps.settings.businessTimeZone);
    const forecast = await deps.store.forecastMadeOnOrBefore(today);
    const view = cashForecastView(forecast);
    return wantsCsv(request) ? csvResult(cashForecastCsv(forecast), `cash-forecast-${forecast?.madeOn ?? today}.csv`) : { statusCode: 200, body: view };
  });
}

export const handler = makeHandler({ store: predictionStore(), clock, settings: coreSettings() });
