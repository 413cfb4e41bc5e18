/** GET /collections/worklist: invoices handed to collectors, ranked by value at stake when predictions exist, with broken promises and disputes marked. */
import { collectionsWorklist } from '../../core/dunning/actions';
import type { DunningDeps } from '../../core/dunning/run-dunning';
import { apiHandler } from '../../shared/http';
import { dunningStore } from '../../shared/dunning-wiring';
import { clock, coreSettings } from '../../shared/wiring';
import { optionalPredictionStore } from '../../shared/prediction-wiring';
import type { PredictionStore } from '../../core/prediction/refresh';

export function makeHandler(deps: Pick<DunningDeps, 'store' | 'clock' | 'settings'> & { predictions?: Pick<PredictionStore, 'predictions'> }) {
  return apiHandler({}, async () => ({ statusCode: 200, body: await collectionsWorklist(deps) }));
}

const settings = coreSettings();
export const handler = makeHandler({ store: dunningStore(), clock, settings: { businessTimeZone: settings.businessTimeZone, seller: settings.seller }, predictions: optionalPredictionStore() });
