/**
 * The stack's event bus and its rules, declared once: the CDK stack creates the EventBridge bus,
 * one rule per entry with its function target, and the stream from the Outbox table to the
 * forwarder; the local runtime (`local-aws/event-bus.ts`) reads the same Outbox stream with the
 * same forwarder, keeps what is published (`GET /_local/events`) and invokes the same targets for
 * the events each rule's pattern matches.
 */
import type { FunctionId } from './functions';

/** The `source` of every domain event the product publishes. */
export const EVENT_SOURCE = 'order-to-cash';

/** Environment variable that carries the bus name to the functions that publish (`eventBus: 'publish'`). */
export const EVENT_BUS_ENV = 'EVENT_BUS_NAME';

/** The function that reads the Outbox table's stream and publishes on the bus. */
export const FORWARDER_FUNCTION: FunctionId = 'ForwardEvents';

/** How the stream is read, on AWS (event source mapping) and locally: batch size, retries of a failing batch. */
export const OUTBOX_STREAM = { batchSize: 25, retryAttempts: 10, maxBatchingWindowSeconds: 1 } as const;

/** An EventBridge event pattern, the part the product uses: match on source and detail type. */
export interface EventPattern {
  readonly source: readonly string[];
  readonly 'detail-type'?: readonly string[];
}

export interface EventRuleDefinition {
  readonly id: string;
  readonly description: string;
  readonly pattern: EventPattern;
  readonly target: { readonly functionId: FunctionId };
}

export const eventRules: readonly EventRuleDefinition[] = [
  {
    id: 'WebhookDeliveries',
    description: 'Every domain event goes to the webhook router, which starts one delivery per subscription that wants it',
    pattern: { source: [EVENT_SOURCE] },
    target: { functionId: 'RouteWebhookEvent' },
  },
  {
    id: 'PaymentPredictionRefresh',
    description: "A payment, dispute, promise, reminder or new invoice: the prediction function predicts that customer's open items again with the stored model",
    pattern: {
      source: [EVENT_SOURCE],
      'detail-type': ['PaymentReceived.v1', 'PaymentApplied.v1', 'DisputeOpened.v1', 'DisputeResolved.v1', 'PromiseMade.v1', 'PromiseKept.v1', 'PromiseBroken.v1', 'ReminderSent.v1', 'InvoiceIssued.v1'],
    },
    target: { functionId: 'RunPaymentPredictions' },
  },
];

/** Whether an event (its source and detail type) matches a pattern, as EventBridge matches these fields. */
export function matchesPattern(pattern: EventPattern, event: { source: string; 'detail-type': string }): boolean {
  if (!pattern.source.includes(event.source)) return false;
  return pattern['detail-type'] === undefined || pattern['detail-type'].includes(event['detail-type']);
}

/** The domain events after which a customer's open items are predicted again (issue 14), as the rule above matches them. */
export const PREDICTION_REFRESH_EVENTS: readonly string[] = eventRules.find((r) => r.id === 'PaymentPredictionRefresh')?.pattern['detail-type'] ?? [];
