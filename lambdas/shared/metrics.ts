/**
 * Business metrics (see `lib/definitions/metrics.ts`), published with Powertools in the embedded
 * metric format: one log line per call, which CloudWatch turns into metrics under the namespace
 * `OrderToCash` with the dimensions `service` and `stage`. Only in Lambda: the local runtime and
 * the tests run every handler in one process, where those lines would only be noise.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { BUSINESS_METRICS_NAMESPACE, BUSINESS_METRICS_SERVICE, type BusinessMetricName } from '../../lib/definitions/metrics';

let shared: Metrics | undefined;
let localObserver: ((counts: Readonly<Record<string, number>>) => void) | undefined;

/**
 * Outside Lambda (the local runtime) the values that would be published are handed to this observer
 * instead: the usage meter of `npm run bench:cost` counts them. Undefined stops it.
 */
export function observeBusinessMetricsLocally(observer: ((counts: Readonly<Record<string, number>>) => void) | undefined): void {
  localObserver = observer;
}

/** The Powertools metrics of this function, or undefined outside Lambda. */
export function businessMetricsSink(): Metrics | undefined {
  if (!process.env.AWS_LAMBDA_FUNCTION_NAME) return undefined;
  shared ??= new Metrics({ namespace: BUSINESS_METRICS_NAMESPACE, serviceName: BUSINESS_METRICS_SERVICE, defaultDimensions: { stage: process.env.STAGE ?? 'unknown' } });
  return shared;
}

/**
 * Counts business events that happened in this invocation (zero counts are left out) and
 * publishes them at once. Never throws: a metric must not fail the business call it counts.
 */
export function countBusinessEvents(counts: Partial<Record<BusinessMetricName, number>>, sink: Metrics | undefined = businessMetricsSink()): void {
  if (!sink) {
    const published = Object.fromEntries(Object.entries(counts).filter(([, value]) => typeof value === 'number' && value > 0)) as Record<string, number>;
    if (localObserver && Object.keys(published).length) localObserver(published);
    return;
  }
  try {
    let any = false;
    for (const [name, value] of Object.entries(counts)) {
      if (typeof value === 'number' && value > 0) {
        sink.addMetric(name, MetricUnit.Count, value);
        any = true;
      }
    }
    if (any) sink.publishStoredMetrics();
  } catch {
    // a metric lost is better than a payment refused
  }
}
