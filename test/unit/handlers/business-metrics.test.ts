/**
 * Business metrics: published in the embedded metric format under the namespace and dimensions the
 * dashboard reads, only in Lambda, zero counts left out; a payment applied counts, one left
 * unapplied does not.
 */
import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { countBusinessEvents } from '../../../lambdas/shared/metrics';
import { apiEvent, lambdaContext, stubHandlerEnvironment } from '../../support/api-events';
import { aCustomer, paymentRequest } from '../../support/builders';
import { inMemoryWorld, type InMemoryWorld } from '../../support/in-memory';
import { invoicedOrder } from '../../support/scenarios';

/** The EMF documents written to stdout while `act` runs. */
async function emfLines(act: () => Promise<unknown> | unknown): Promise<Record<string, unknown>[]> {
  const written: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  try {
    await act();
  } finally {
    spy.mockRestore();
  }
  return written
    .flatMap((w) => w.split('\n'))
    .filter((l) => l.includes('"_aws"'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('countBusinessEvents', () => {
  it('publishes the counts under OrderToCash with the service and stage dimensions, leaving zeros out', async () => {
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    const sink = new Metrics({ namespace: 'OrderToCash', serviceName: 'order-to-cash', defaultDimensions: { stage: 'prod' } });
    const [doc, ...more] = await emfLines(() => countBusinessEvents({ LinesAppliedAutomatically: 3, PaymentsApplied: 3, DisputesOpened: 0 }, sink));
    expect(more).toEqual([]);
    expect(doc).toMatchObject({ service: 'order-to-cash', stage: 'prod', LinesAppliedAutomatically: 3, PaymentsApplied: 3 });
    expect(doc).not.toHaveProperty('DisputesOpened');
    const directive = (doc!._aws as { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] }).CloudWatchMetrics[0]!;
    expect(directive.Namespace).toBe('OrderToCash');
    expect(directive.Dimensions[0]!.sort()).toEqual(['service', 'stage']);
    expect(directive.Metrics.map((m) => [m.Name, m.Unit])).toEqual([
      ['LinesAppliedAutomatically', 'Count'],
      ['PaymentsApplied', 'Count'],
    ]);
  });

  it('writes nothing when every count is zero, or outside Lambda', async () => {
    const sink = new Metrics({ namespace: 'OrderToCash', serviceName: 'order-to-cash' });
    expect(await emfLines(() => countBusinessEvents({ RemindersSent: 0 }, sink))).toEqual([]);
    vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', '');
    expect(await emfLines(() => countBusinessEvents({ RemindersSent: 2 }))).toEqual([]);
  });
});

describe('in the handlers', () => {
  let recordPayment: typeof import('../../../lambdas/handlers/api/record-payment');
  let world: InMemoryWorld;

  beforeAll(async () => {
    stubHandlerEnvironment();
    recordPayment = await import('../../../lambdas/handlers/api/record-payment');
  });
  afterAll(() => vi.unstubAllEnvs());
  beforeEach(() => {
    world = inMemoryWorld({ start: '2026-03-02T09:00:00Z' });
  });

  it('counts a payment applied to an invoice, and not one left unapplied', async () => {
    stubHandlerEnvironment();
    vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', 'order-to-cash-test-RecordPayment');
    vi.stubEnv('STAGE', 'test');
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    await world.customers.put(aCustomer({ customerId: 'C-1' }));
    const { invoice } = await invoicedOrder(world);
    const handler = recordPayment.makeHandler(world.deps, {});
    const pay = (body: Record<string, unknown>) => handler(apiEvent('POST', '/payments', { body }), lambdaContext);

    const applied = await emfLines(() => pay(paymentRequest({ amount: '100.50', reference: invoice.number })));
    expect(applied).toEqual([expect.objectContaining({ PaymentsApplied: 1, stage: 'test', service: 'order-to-cash' })]);
    expect(await emfLines(() => pay(paymentRequest({ amount: '5.00', reference: 'no such invoice' })))).toEqual([]);
  });
});
