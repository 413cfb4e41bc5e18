/**
 * The business metrics, declared once: the Lambdas publish them with Powertools (embedded metric
 * format) under this namespace, with the dimensions `service` and `stage`; the CloudWatch dashboard
 * of each stage shows them.
 */

export const BUSINESS_METRICS_NAMESPACE = 'OrderToCash';

/** The `service` dimension (Powertools' service name, `POWERTOOLS_SERVICE_NAME`). */
export const BUSINESS_METRICS_SERVICE = 'order-to-cash';

export type BusinessMetricName = 'InvoicesIssued' | 'PaymentsApplied' | 'LinesAppliedAutomatically' | 'RemindersSent' | 'DisputesOpened' | 'StepsNeedingAttention';

export const businessMetrics: readonly { readonly name: BusinessMetricName; readonly description: string }[] = [
  { name: 'InvoicesIssued', description: 'Invoices issued for shipments (IssueInvoice step)' },
  { name: 'PaymentsApplied', description: 'Payments applied to invoices: online payments, statement lines and payments applied by hand' },
  { name: 'LinesAppliedAutomatically', description: 'Bank statement lines cash application applied without a person' },
  { name: 'RemindersSent', description: 'Dunning letters sent by a (non-dry) dunning run' },
  { name: 'DisputesOpened', description: 'Disputes opened on invoices' },
  { name: 'StepsNeedingAttention', description: "State machine steps that failed after their retries and went on finance's attention worklist" },
];
