/**
 * What each route of `lib/definitions/routes.ts` takes and answers, for the OpenAPI document
 * (`openapi.ts`): the request schema is the zod schema the core validates the body with (imported,
 * never copied), the response schema is declared here beside it, with an example. A route of the
 * table without an entry here fails the OpenAPI test (`test/unit/contract/openapi.test.ts`).
 *
 * The few bodies the core checks by hand (upload starts, retries, the statement file) are declared
 * here as zod schemas of the same rules, and the unit tests of those routes keep both in step.
 */
import * as z from 'zod';
import { putCustomerRequest } from '../core/customers/customer';
import { placeOrderRequest, reportShipmentRequest } from '../core/orders/order';
import { cancelOrderRequest, creditDecisionRequest } from '../core/orders/orders';
import { recordPaymentRequest } from '../core/payments/payment';
import { applyPaymentRequest } from '../core/cash-application/unapplied-payments';
import { importItemSchema } from '../core/invoices/import';
import { blockRequest, disputeRequest, invoicePolicyRequest, promiseRequest, resolveDisputeRequest, writeOffRequest } from '../core/dunning/actions';
import { policyRequest } from '../core/dunning/policy';
import { startDunningRunRequest } from '../core/dunning/run-dunning';
import { creditNoteRequest } from '../core/invoices/credit-note';
import { collectionRunRequest } from '../core/sepa/collection';
import { mandateRequest, revokeRequest } from '../core/sepa/mandates';
import { applyCreditRequest, refundRequest } from '../core/sepa/refunds';
import { checkoutRequest } from '../core/payments/card-payments';
import { billingEmailRequest, portalDisputeRequest, portalPromiseRequest, revokePayLinksRequest } from '../core/portal/portal';
import { portalMandateRequest, portalRevokeMandateRequest } from '../core/sepa/portal-mandates';
import { registerWebhookRequest } from '../core/webhooks/webhooks';
import { predictionRunRequest } from '../core/prediction/run-request';
import { closePeriodRequest } from '../core/ledger/periods';
import { INVOICE_STATUS_VALUES, ORDER_STATUS_VALUES } from '../../lib/definitions/routes';
import { AGING_BUCKETS } from '../core/reports/aging';

/** An amount as the API writes it: a decimal string in the currency's minor units ("449.70"), never a float. */
const amount = z.string().regex(/^-?\d+(\.\d+)?$/).meta({ description: 'A decimal string with the currency\'s minor digits ("449.70"), never a number', example: '449.70' });
const instant = z.string().meta({ description: 'An ISO 8601 instant (UTC) from the one clock', example: '2026-12-01T09:30:00.000Z' });
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).meta({ description: 'A calendar date YYYY-MM-DD in the business time zone', example: '2026-12-15' });
const history = z.array(z.looseObject({ status: z.string(), at: instant, note: z.string().optional() }));

/** A remittance advice as `GET /remittances/advices/{adviceId}` shows it (`core/cash-application/advice-intake.ts`). */
const remittanceAdvice = z.looseObject({
  adviceId: z.string(),
  status: z.enum(['waiting', 'used', 'refused']),
  format: z.enum(['csv', 'pdf']),
  receivedAt: instant,
  usedBy: z
    .looseObject({
      paymentId: z.string(),
      statementId: z.string().nullable(),
      lineId: z.string().nullable(),
      at: instant,
      deductions: z
        .array(
          z.looseObject({
            invoiceId: z.string(),
            invoiceNumber: z.string(),
            amount,
            reasonCode: z.string().meta({ description: 'ANSI X12 426 adjustment reason code' }),
            reasonName: z.string(),
            booking: z.enum(['write-off', 'kept-open']).meta({ description: 'written off (agreed terms within the short-payment tolerance) or kept open on the invoice' }),
            why: z.string().nullable(),
          }),
        )
        .meta({ description: 'The advice\'s deductions as booked, whichever came first (the advice or its transfer)' }),
    })
    .nullable(),
  refusedReason: z.string().nullable(),
  payerName: z.string(),
  payerAccount: z.string().nullable(),
  paymentReference: z.string().nullable(),
  paymentAmount: amount,
  currency: z.string(),
  paymentDate: date,
  lines: z.array(z.looseObject({ invoiceNumber: z.string(), paidAmount: amount, deductionAmount: amount, reasonCode: z.string().nullable(), note: z.string().nullable() })),
});
const ADVICE_EXAMPLE = {
  adviceId: 'adv-3f2c0a9d8e7b6a5f4e3d2c1b',
  status: 'used',
  format: 'csv',
  receivedAt: '2026-12-01T09:30:00.000Z',
  usedBy: {
    paymentId: 'pay-1',
    statementId: 'st-1',
    lineId: 'L1',
    at: '2026-12-02T08:00:00.000Z',
    deductions: [
      { invoiceId: 'inv-2', invoiceNumber: 'INV-2026-000002', amount: '20.00', reasonCode: '01', reasonName: 'Pricing Error', booking: 'kept-open', why: 'INV-2026-000002: 20.00 EUR deducted, X12 01 Pricing Error: kept open for finance to credit or chase' },
    ],
  },
  refusedReason: null,
  payerName: 'Acme GmbH',
  payerAccount: 'DE02120300000000202051',
  paymentReference: 'ACME-PAY-77',
  paymentAmount: '1180.00',
  currency: 'EUR',
  paymentDate: '2026-12-01',
  lines: [
    { invoiceNumber: 'INV-2026-000001', paidAmount: '1000.00', deductionAmount: '0.00', reasonCode: null, note: null },
    { invoiceNumber: 'INV-2026-000002', paidAmount: '180.00', deductionAmount: '20.00', reasonCode: '01', note: 'price as agreed' },
  ],
};

/** A customer's terms, as every customer answer carries them. */
const customerTerms = {
  customerId: z.string(),
  name: z.string(),
  email: z.string(),
  currency: z.string(),
  creditLimit: amount,
  paymentTermsDays: z.number().int(),
  dunningPolicyId: z.string(),
};

const customer = z
  .looseObject({
    ...customerTerms,
    openBalance: amount,
    overdueBalance: amount,
    exposure: amount,
    createdAt: instant,
    updatedAt: instant,
  });

/** A customer as `GET /customers` lists it (`core/reports/finance-lists.ts`, `listCustomers`): its terms, no balances (`GET /customers/{customerId}` has them). */
const customerListItem = z.looseObject({
  ...customerTerms,
  blocked: z.boolean(),
  onAccountCredit: amount,
  registeredBy: z.string().nullable(),
});

const orderLine = z.looseObject({ lineNo: z.number().int(), sku: z.string(), quantity: z.number().int(), shippedQuantity: z.number().int(), unitPrice: amount, amount, taxRate: z.string().nullable(), gross: amount });
const order = z
  .looseObject({
    orderId: z.string(),
    customerId: z.string(),
    currency: z.string(),
    status: z.enum(ORDER_STATUS_VALUES),
    lines: z.array(orderLine),
    netTotal: amount,
    taxTotal: amount,
    total: amount,
    invoiceId: z.string().nullable(),
    invoiceIds: z.array(z.string()),
    history,
    externalRef: z.string().nullable(),
    createdAt: instant,
    updatedAt: instant,
  });

/** The invoice's dunning state as stored (`core/dunning/state.ts`): level, block, reminders, disputes and promises. */
const invoiceDunning = z.looseObject({
  level: z.number().int(),
  blockedUntil: date.nullable(),
  history: z.array(z.looseObject({ level: z.number().int(), at: instant, channel: z.string(), messageId: z.string().nullable(), event: z.string().optional(), note: z.string().optional(), state: z.string().optional() })),
  block: z.looseObject({ kind: z.enum(['dispute', 'promise', 'manual']), reason: z.string(), until: date.nullable(), since: instant, ref: z.string().nullable() }).nullable().optional(),
  disputes: z
    .array(z.looseObject({ disputeId: z.string(), reason: z.string(), amountMinor: z.number().int().nullable(), openedAt: instant, status: z.enum(['open', 'credited', 'rejected']), resolvedAt: instant.nullable(), resolution: z.string().nullable(), creditMinor: z.number().int().nullable() }))
    .optional(),
  promises: z.array(z.looseObject({ promiseId: z.string(), amountMinor: z.number().int(), promisedDate: date, recordedAt: instant, status: z.enum(['open', 'kept', 'broken']), closedAt: instant.nullable() })).optional(),
  handedToCollectorAt: instant.nullable().optional(),
});

/** A payment prediction as an invoice or the collectors' worklist shows it (`core/prediction/views.ts`). */
const prediction = z.looseObject({
  predictedPaidDate: date,
  interval80: z.looseObject({ low: date, high: date }),
  latenessDays: z.number(),
  probabilityLate: z.looseObject({ over0: z.number(), over30: z.number(), over60: z.number() }),
  reasons: z.array(z.string()),
  basis: z.enum(['customer history', 'similar customers']),
  modelVersion: z.string(),
  predictedOn: date,
  computedAt: instant.nullable(),
  refreshedBy: z.string().nullable(),
});

const invoice = z
  .looseObject({
    invoiceId: z.string(),
    number: z.string(),
    rfReference: z.string(),
    orderId: z.string().nullable().optional(),
    customerId: z.string(),
    currency: z.string(),
    total: amount,
    paid: amount,
    balance: amount,
    status: z.enum(INVOICE_STATUS_VALUES),
    issueDate: date,
    dueDate: date,
    history,
    customerName: z.string(),
    sentAt: instant.nullable(),
    allocations: z.array(z.looseObject({ paymentId: z.string(), amount, at: instant })),
    dunning: invoiceDunning,
    prediction: prediction.nullable().optional().meta({ description: 'Finance only, open invoices: the payment prediction (null: none yet)' }),
  });

const payment = z
  .looseObject({
    paymentId: z.string(),
    providerPaymentId: z.string().nullable(),
    status: z.enum(['applied', 'partially-applied', 'unapplied']),
    amount,
    currency: z.string(),
    reference: z.string().nullable(),
    payerName: z.string().nullable(),
    valueDate: date,
    receivedAt: instant,
    customerId: z.string().nullable(),
    allocations: z.array(z.looseObject({ invoiceId: z.string(), invoiceNumber: z.string(), amount })),
    onAccountAmount: amount,
    unappliedAmount: amount,
    unappliedReason: z.string().nullable(),
  });

/** A payment as the unapplied worklist shows it (`core/cash-application/statement-record.ts`, `cashPaymentView`): where it came from and the match suggestion. */
const cashPayment = payment.extend({
  source: z.enum(['online', 'statement', 'manual']),
  payerAccount: z.string().nullable(),
  statement: z.looseObject({ statementId: z.string(), sequence: z.number().int(), lineId: z.string() }).nullable(),
  suggestion: z
    .looseObject({
      status: z.string(),
      customerId: z.string().nullable(),
      allocations: z.array(z.looseObject({ invoiceId: z.string(), invoiceNumber: z.string(), amount })),
      shortPayWriteOff: z.looseObject({ invoiceId: z.string(), amount, reasonCode: z.string() }).nullable(),
      onAccountAmount: amount,
      candidates: z.array(z.looseObject({ invoiceId: z.string(), invoiceNumber: z.string() })),
      confidence: z.number(),
      reasons: z.array(z.string()),
    })
    .nullable(),
});

/**
 * One page of a list: `items`, and the signed `cursor` of the next page (null on the last one).
 * The same cursor with another `limit` is fine; from another list or with other filters it is a 400.
 */
function page<T extends z.ZodType>(item: T) {
  return z.looseObject({ items: z.array(item), cursor: z.string().nullable().meta({ description: 'Pass as `cursor` for the next page; null on the last page' }) });
}

const accepted = z.looseObject({ status: z.string(), poll: z.string().optional() });
const anyObject = z.looseObject({});
const int = z.number().int();
const month = z.string().regex(/^\d{4}-\d{2}$/).meta({ description: 'A month YYYY-MM', example: '2026-11' });

/** `GET /reports/aging` (`core/reports/aging.ts`): per currency, then per customer, the balances by bucket. */
const agingRow = { buckets: z.looseObject(Object.fromEntries(AGING_BUCKETS.map((b) => [b, amount])) as Record<(typeof AGING_BUCKETS)[number], typeof amount>), total: amount, overdue: amount, itemCount: int };
const agingReport = z.looseObject({
  asOf: date,
  buckets: z.array(z.enum(AGING_BUCKETS)),
  currencies: z.array(z.looseObject({ currency: z.string(), ...agingRow, customers: z.array(z.looseObject({ customerId: z.string(), customerName: z.string(), ...agingRow })) })),
});

/** `GET /reports/kpis` (`core/reports/kpis.ts`): DSO and CEI are numbers with one decimal (null without a denominator). */
const currencyKpis = z.looseObject({
  currency: z.string(),
  beginningReceivables: amount,
  creditSales: amount,
  endingReceivables: amount,
  endingCurrentReceivables: amount,
  endingOverdueReceivables: amount,
  collected: amount,
  dso: z.number().nullable(),
  dsoLowerBound: z.boolean(),
  cei: z.number().nullable(),
});
const autoMatchRate = z.looseObject({ creditLines: int, appliedAutomatically: int, rate: z.number().nullable() });
const kpiReport = z.looseObject({
  period: month,
  from: date,
  to: date,
  currencies: z.array(currencyKpis),
  autoMatch: z.union([z.looseObject({ period: autoMatchRate, allTime: autoMatchRate }), z.literal('n/a')]),
  promises: z.union([z.looseObject({ kept: int, broken: int }), z.literal('n/a')]),
  trend: z.array(z.looseObject({ period: month, from: date, to: date, currencies: z.array(currencyKpis) })),
});

/** `GET /orders/{orderId}/execution` (`core/orders/execution-view.ts`): the lifecycle execution with its ASL definition. */
const execution = z.looseObject({
  orderId: z.string(),
  executionArn: z.string(),
  name: z.string(),
  status: z.enum(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE']),
  startDate: instant,
  stopDate: instant.nullable(),
  currentState: z.string().nullable().meta({ description: 'The state the execution waits in now (null once it ended)' }),
  lastState: z.string().nullable(),
  visits: z.array(z.looseObject({ name: z.string(), enteredAt: instant, exitedAt: instant.nullable(), error: z.string().optional() })),
  definition: z.looseObject({ StartAt: z.string(), States: z.record(z.string(), z.looseObject({ Type: z.string() })) }).meta({ description: 'The Amazon States Language definition the execution runs' }),
  events: z.array(z.looseObject({ id: int, type: z.string(), timestamp: instant, stateName: z.string().optional(), error: z.string().optional() })),
});

/** `GET /customers/{customerId}/statement` as JSON (`core/statements/statement-of-account.ts`, `statementView`): per currency, the lines with the running balance. */
const statementOfAccount = z.looseObject({
  customerId: z.string(),
  customerName: z.string(),
  from: date,
  to: date,
  currencies: z.array(
    z.looseObject({
      currency: z.string(),
      openingBalance: amount,
      lines: z.array(
        z.looseObject({ date, kind: z.enum(['invoice', 'charges', 'payment', 'credit', 'write-off']), document: z.string(), invoiceId: z.string(), description: z.string(), amount, balance: amount }),
      ),
      closingBalance: amount,
      aging: agingRow.buckets,
    }),
  ),
});

/** A presigned upload (`core/uploads/uploads.ts`, `createUploadUrl`): PUT the file there, then start its processing with the `uploadId`. */
const presignedUpload = z.looseObject({
  uploadId: z.string().regex(/^up-[0-9a-f-]{36}$/),
  method: z.literal('PUT'),
  url: z.string().meta({ description: 'The presigned S3 PUT URL, valid until expiresAt' }),
  headers: z.looseObject({ 'content-length': z.string() }),
  expiresAt: instant,
  maxBytes: int,
  next: z.string(),
});

/** The OpenAPI document itself (its own schema is the OpenAPI 3.1 specification's). */
const openApiDocumentSchema = z.looseObject({ openapi: z.literal('3.1.0'), info: z.looseObject({ title: z.string(), version: z.string() }), paths: z.record(z.string(), z.looseObject({})), components: z.looseObject({}) });

/** A SEPA direct debit mandate (`core/sepa/mandate.ts`, `mandateView`): EXPIRED after 36 months without a collection. */
const mandate = z.looseObject({
  mandateId: z.string(),
  customerId: z.string(),
  creditorId: z.string(),
  scheme: z.enum(['CORE', 'B2B']),
  iban: z.string(),
  bic: z.string().nullable(),
  accountHolder: z.string(),
  signedOn: date,
  status: z.enum(['ACTIVE', 'REVOKED', 'EXPIRED']),
  nextSequence: z.enum(['FRST', 'RCUR']),
  lastCollectionOn: date.nullable(),
  expiresAfter: date,
  revokedAt: instant.nullable(),
  revocationReason: z.string().nullable(),
  createdAt: instant,
});

/** A dunning policy as `GET /dunning/policies` and `PUT /dunning/policies/{policyId}` show it (`core/dunning/policy.ts`, `policyView`): fees and minimum amounts per currency. */
const amountsByCurrency = z.record(z.string(), amount);
const dunningPolicy = z.looseObject({
  policyId: z.string(),
  name: z.string(),
  graceDays: int,
  levels: z.array(
    z.looseObject({
      level: int,
      name: z.string(),
      daysPastDue: int,
      minDaysSincePrevious: int,
      template: z.enum(['friendly-reminder', 'firm-reminder', 'final-notice', 'none', 'due-soon']),
      action: z.enum(['letter', 'collector']),
      fees: amountsByCurrency,
    }),
  ),
  minimumAmounts: amountsByCurrency,
  interest: z
    .looseObject({
      reference: z.string(),
      margin: z.string().meta({ description: 'Percentage points over the reference rate, as a decimal string' }),
      fixing: z.enum(['half-year-start', 'half-year-eve', 'daily']),
      rates: z.array(z.looseObject({ from: date, rate: z.string() })),
    })
    .nullable(),
  compensation: z.record(z.string(), z.array(z.looseObject({ from: amount, amount }))).nullable(),
  businessCustomersOnly: z.boolean(),
  promiseMaxDays: int,
  builtIn: z.boolean(),
  updatedAt: instant.nullable(),
});

/** `POST /predictions/runs` (`core/prediction/refresh.ts`, `PredictionRunSummary`). */
const predictionRun = z.looseObject({
  asOf: date,
  modelVersion: z.string(),
  retrained: z.boolean(),
  evaluation: z.looseObject({
    heldOutFrom: date,
    heldOutTo: date,
    trainingExamples: int,
    heldOutExamples: int,
    maeDays: z.record(z.string(), z.number().nullable()).meta({ description: 'Mean absolute error in days per candidate on the held-out period; null without held-out examples' }),
    coverage: z.number().nullable(),
    chosen: z.string(),
  }),
  predictions: int,
  customers: int,
  sharpRises: z.array(z.string()),
});

/** A webhook subscription without its secret (`core/webhooks/webhooks.ts`, `subscriptionView`). */
const webhookSubscription = z.looseObject({
  webhookId: z.string(),
  url: z.string(),
  eventTypes: z.array(z.string()),
  ownerId: z.string().nullable().meta({ description: 'The storefront whose customers it covers; null: every customer (finance)' }),
  description: z.string().nullable(),
  createdAt: instant,
  createdBy: z.string(),
  deletedAt: instant.nullable(),
});
const webhookDeliveries = z.looseObject({
  webhookId: z.string(),
  items: z.array(
    z.looseObject({
      webhookId: z.string(),
      eventId: z.string(),
      eventType: z.string(),
      status: z.enum(['pending', 'delivered', 'failed']),
      firstAttemptAt: instant.nullable(),
      nextAttemptAt: instant.nullable(),
      attempts: z.array(z.looseObject({ attempt: int, at: instant, outcome: z.enum(['delivered', 'failed']), status: int.nullable(), error: z.string().nullable(), durationMs: z.number() })),
    }),
  ),
});

/** A dunning run as `POST /dunning/runs` and `GET /dunning/runs/{runId}` answer it (`core/dunning/run-dunning.ts`, `runReport`). */
const dunningRun = z.looseObject({
  runId: z.string(),
  asOf: date,
  dryRun: z.boolean(),
  trigger: z.enum(['schedule', 'api']),
  status: z.enum(['RUNNING', 'COMPLETED']),
  startedAt: instant,
  completedAt: instant.nullable(),
  fromDate: date,
  counts: z.looseObject({ itemsFound: int, escalated: int, skipped: int, letters: int, lettersFailed: int }),
  customersContacted: z.array(
    z.looseObject({
      customerId: z.string(),
      letter: z.looseObject({ state: z.enum(['SENDING', 'SENT', 'FAILED', 'BOUNCED', 'DRY_RUN']), messageId: z.string().nullable(), subject: z.string(), level: int, attempts: int, error: z.string().nullable() }),
      items: z.array(z.looseObject({ invoiceId: z.string(), number: z.string(), level: int, raised: z.boolean() })),
    }),
  ),
  items: z.array(
    z.looseObject({
      invoiceId: z.string(),
      number: z.string(),
      customerId: z.string(),
      outcome: z.enum(['escalated', 'send-failed', 'handed-to-collector', 'letter-uncertain', 'reminded-before-due']),
      fromLevel: int,
      level: int,
      fee: amount.nullable(),
      interest: amount.nullable(),
      currency: z.string(),
      detail: z.string().nullable(),
    }),
  ),
  skipped: z.array(z.looseObject({ invoiceId: z.string(), number: z.string(), customerId: z.string(), level: int, reason: z.string().nullable(), detail: z.string().nullable() })),
});

/** `GET /collections/worklist` (`core/dunning/actions.ts`): ranked by value at stake when predictions exist, else by days past due. */
const collectionsWorklist = z.looseObject({
  asOf: date,
  rankedBy: z.literal('value at stake').optional(),
  items: z.array(
    z.looseObject({
      rank: int,
      invoiceId: z.string(),
      number: z.string(),
      customerId: z.string(),
      customerName: z.string(),
      currency: z.string(),
      balance: amount,
      charges: amount,
      outstanding: amount,
      dueDate: date,
      daysPastDue: int,
      level: int,
      handedToCollectorAt: instant.nullable(),
      brokenPromise: z.boolean(),
      disputed: z.boolean(),
      openDispute: z.boolean(),
      valueAtStake: amount.optional(),
      probabilityLongDelay: z.number().optional(),
      prediction: prediction.nullable().optional(),
    }),
  ),
});

/** `GET /reports/cash-forecast` (`core/prediction/views.ts`): nulls and a `note` before the first forecast. */
const cashForecast = z.looseObject({
  madeOn: date.nullable(),
  modelVersion: z.string().nullable(),
  weeks: z.array(z.looseObject({ weekStart: date, currency: z.string(), expected: amount, low: amount, high: amount })),
  backtest: z
    .looseObject({
      madeOn: date,
      currencies: z.array(z.looseObject({ currency: z.string(), wape: z.number().nullable(), coverage: z.number(), weeks: z.array(z.looseObject({ weekStart: date, expected: amount, actual: amount })) })),
    })
    .nullable(),
  note: z.string().optional(),
});

/** One action in a customer's portal, or finance's on its links (`core/portal/portal.ts`, `activityView`). */
const portalActivityEntry = z.looseObject({
  at: instant,
  action: z.string(),
  actor: z.string(),
  sourceIp: z.string().nullable(),
  userAgent: z.string().nullable(),
  invoiceId: z.string().nullable(),
  status: z.enum(['done', 'waiting-for-finance']),
  summary: z.string(),
});

/** `GET /customers/{customerId}/portal-activity`, newest first. */
const portalActivity = z.looseObject({ customerId: z.string(), items: z.array(portalActivityEntry) });

/** The answers of finance's actions on an invoice's dunning (`core/dunning/actions.ts`). */
const disputeOpened = z.looseObject({ disputeId: z.string(), invoiceId: z.string(), status: z.literal('open'), reason: z.string(), amount: amount.nullable(), blocksDunning: z.literal(true) });
const disputeResolved = z.looseObject({
  disputeId: z.string(),
  invoiceId: z.string(),
  status: z.enum(['credited', 'rejected']),
  credit: amount.nullable(),
  creditNoteId: z.string().optional(),
  creditNoteNumber: z.string().optional(),
  balance: amount,
  invoiceStatus: z.enum(INVOICE_STATUS_VALUES),
  dunningLevel: int,
});
const promiseRecorded = z.looseObject({ promiseId: z.string(), invoiceId: z.string(), amount, currency: z.string(), promisedDate: date, blockedUntil: date });
const dunningBlocked = z.looseObject({ invoiceId: z.string(), blockedUntil: date, reason: z.string() });
const invoicePolicySet = z.looseObject({ invoiceId: z.string(), policyId: z.string().nullable() });
const writtenOff = z.looseObject({ invoiceId: z.string(), writtenOff: amount, balance: amount, status: z.enum(INVOICE_STATUS_VALUES), escalationEnded: z.boolean() });
const creditDecided = z.looseObject({ orderId: z.string(), status: z.enum(['AWAITING_SHIPMENT', 'REJECTED']), decision: z.enum(['approve', 'reject']), reason: z.string() });

/** `{"uploadId": "up-<uuid>"}`: start the processing of a file PUT through a presigned URL. */
const uploadStart = z.strictObject({ uploadId: z.string().regex(/^up-[0-9a-f-]{36}$/) });
const uploadRequest = z.strictObject({ contentLength: z.number().int().min(1).meta({ description: 'The exact length in bytes of the file to be PUT' }) });
const retryRequest = z.strictObject({ machine: z.enum(['InvoiceSettlement', 'DunningEscalation']).optional() });

/** An item on the customer's own page (`core/portal/portal.ts`, `itemView`): an invoice or a fees-and-interest charge. */
const portalItem = z.looseObject({
  invoiceId: z.string(),
  number: z.string(),
  kind: z.enum(['invoice', 'charges']),
  currency: z.string(),
  total: amount,
  paid: amount,
  balance: amount,
  status: z.enum(INVOICE_STATUS_VALUES),
  issueDate: date,
  dueDate: date,
  rfReference: z.string(),
  disputed: z.boolean(),
  promisedUntil: date.nullable(),
  payments: z.array(z.looseObject({ paymentId: z.string(), amount, at: instant })),
});
const mandateTexts = z.looseObject({ en: z.string(), de: z.string() });
/** A mandate as the customer's page shows it (`core/sepa/portal-mandates.ts`): the IBAN's ending only, and the text signed. */
const portalMandate = mandate.omit({ iban: true, customerId: true }).extend({ accountEnding: z.string(), text: mandateTexts });
/** `GET /portal`: the customer, its open and paid items, its recent actions, and its direct debit mandates with the texts it would sign. */
const portalPage = z.looseObject({
  customer: z.looseObject({ customerId: z.string(), name: z.string(), email: z.string(), locale: z.string(), currency: z.string(), onAccountCredit: amount }),
  today: date,
  openTotals: z.array(z.looseObject({ currency: z.string(), amount })),
  openItems: z.array(portalItem),
  paidItems: z.array(portalItem),
  selfServicePromiseMaxDays: int,
  activity: z.array(portalActivityEntry),
  directDebit: z.looseObject({
    creditor: z.looseObject({ name: z.string(), creditorId: z.string() }),
    texts: z.looseObject({ en: z.looseObject({ CORE: z.string(), B2B: z.string() }), de: z.looseObject({ CORE: z.string(), B2B: z.string() }) }),
    mandates: z.array(portalMandate),
  }),
});
/** `POST /portal/checkout` (`core/portal/pay-with-credit.ts`): the provider's Checkout Session for what the card pays (null when the credit covered everything), and what the credit paid. */
const portalCheckout = z.looseObject({
  sessionId: z.string().nullable(),
  url: z.string().nullable(),
  currency: z.string(),
  amount,
  items: z.array(z.looseObject({ invoiceId: z.string(), number: z.string(), amount })),
  credit: z.looseObject({ amount, items: z.array(z.looseObject({ invoiceId: z.string(), number: z.string(), amount, balance: amount, status: z.enum(INVOICE_STATUS_VALUES) })) }),
});
/** A refund of on-account credit by SEPA credit transfer (`core/sepa/refunds.ts`, `refundView`). */
const refund = z.looseObject({
  refundId: z.string(),
  customerId: z.string(),
  amount,
  currency: z.literal('EUR'),
  ibanEnding: z.string(),
  endToEndId: z.string(),
  executionDate: date,
  status: z.enum(['sent', 'confirmed', 'reversed']),
  createdAt: instant,
  confirmedAt: instant.nullable(),
  reversedAt: instant.nullable(),
  reversalReason: z.string().nullable(),
});
/** `POST /collections/runs` (`core/sepa/collection.ts`, `CollectionRunReport`): the pain.008 files written, what they collect, and what was not collected with the reason. */
const collectionRun = z.looseObject({
  runDate: date,
  files: z.array(z.looseObject({ fileId: z.string(), numberOfTransactions: int, controlSum: amount, collectionDates: z.array(date) })),
  collected: z.array(z.looseObject({ invoiceId: z.string(), fileId: z.string(), collectionDate: date, sequence: z.enum(['FRST', 'RCUR']), amount })),
  notCollected: z.array(z.looseObject({ invoiceId: z.string(), reason: z.enum(['not-due', 'not-eur', 'in-collection', 'returned-before', 'disputed', 'mandate-expired']), detail: z.string() })),
});
/** A collection file's summary (`core/sepa/collection.ts`, `collectionFileView`). */
const collectionFile = z.looseObject({
  fileId: z.string(),
  messageId: z.string(),
  createdAt: instant,
  runDate: date,
  status: z.enum(['created', 'cancelled']),
  cancelledAt: instant.nullable(),
  numberOfTransactions: int,
  controlSum: amount,
  currency: z.literal('EUR'),
  paymentInformation: z.array(
    z.looseObject({ paymentInformationId: z.string(), scheme: z.enum(['CORE', 'B2B']), sequence: z.enum(['FRST', 'RCUR']), collectionDate: date, numberOfTransactions: int, controlSum: amount, invoiceIds: z.array(z.string()) }),
  ),
});
/** `POST /refunds/statements` (`core/sepa/refunds.ts`, `settleRefunds`): what each refund line of the camt file did. */
const refundSettlement = z.looseObject({
  refunds: z.array(
    z.union([
      z.looseObject({ endToEndId: z.string(), outcome: z.literal('unknown-refund') }),
      z.looseObject({ refundId: z.string(), outcome: z.enum(['confirmed', 'reversed', 'already-recorded', 'amount-differs']), status: z.enum(['sent', 'confirmed', 'reversed']) }),
    ]),
  ),
});
/** `POST /collections/returns` (`core/sepa/returns.ts`): one outcome per return or reject of the file, in order. */
const collectionReturns = z.looseObject({
  returns: z.array(
    z.looseObject({
      endToEndId: z.string(),
      reasonCode: z.string(),
      reason: z.string(),
      outcome: z.enum(['returned', 'already-recorded', 'unknown-collection']),
      invoiceId: z.string().nullable(),
      reversed: amount.optional(),
      returnFee: amount.optional(),
      mandateRevoked: z.boolean().optional(),
      status: z.enum(INVOICE_STATUS_VALUES).optional(),
    }),
  ),
});
/** `POST /portal/promises`: 201 accepted within the policy's limits (the promise), or 202 waiting for finance (why). */
const portalPromiseAnswer = z.union([
  promiseRecorded.extend({ accepted: z.literal(true), waitingForFinance: z.literal(false) }),
  z.looseObject({ accepted: z.literal(false), waitingForFinance: z.literal(true), reason: z.string(), invoiceId: z.string(), amount, promisedDate: date, at: instant }),
]);

export interface RouteContract {
  readonly summary: string;
  /** The JSON body's schema (absent: no body). */
  readonly request?: z.ZodType;
  /** Other bodies the route takes, by media type (a bank statement file). */
  readonly otherRequestTypes?: readonly string[];
  readonly requestExample?: unknown;
  readonly response: { readonly status: number; readonly schema: z.ZodType; readonly example?: unknown; readonly mediaTypes?: readonly string[] };
}

/** Keyed `METHOD path` as in the route table. */
export const routeContracts: Readonly<Record<string, RouteContract>> = {
  'PUT /customers/{customerId}': {
    summary: 'Register a customer (storefront: its contact data) or set its terms (finance)',
    request: putCustomerRequest,
    requestExample: { name: 'ACME GmbH', email: 'ap@acme.example', currency: 'EUR', locale: 'de' },
    response: { status: 201, schema: customer },
  },
  'GET /customers/{customerId}': { summary: 'A customer with its balances', response: { status: 200, schema: customer } },
  'GET /customers': { summary: 'Customers, a page at a time (a storefront sees its own)', response: { status: 200, schema: page(customerListItem) } },
  'GET /orders': { summary: 'Orders, a page at a time, by status or customer', response: { status: 200, schema: page(order) } },
  'GET /orders/{orderId}/execution': { summary: "The order's state machine execution: states, events, where it waits", response: { status: 200, schema: execution } },
  'GET /reports/aging': { summary: 'Receivables aging per customer and bucket, as of a date', response: { status: 200, schema: agingReport, mediaTypes: ['application/json', 'text/csv'] } },
  'GET /reports/kpis': { summary: 'DSO, collection rate and other KPIs of a month, with a trend', response: { status: 200, schema: kpiReport, mediaTypes: ['application/json', 'text/csv'] } },
  'POST /orders': {
    summary: 'Place an order: 202, the lifecycle runs asynchronously',
    request: placeOrderRequest,
    requestExample: { customerId: 'acme', currency: 'EUR', lines: [{ sku: 'CHAIR-1', quantity: 3, unitPrice: '149.90' }] },
    response: { status: 202, schema: z.looseObject({ orderId: z.string(), status: z.enum(ORDER_STATUS_VALUES) }), example: { orderId: '6f1c1d7e-5b7a-4a55-9a43-0d1f2b3c4d5e', status: 'RECEIVED' } },
  },
  'GET /orders/{orderId}': { summary: 'An order with its lines, shipments, invoices and history', response: { status: 200, schema: order } },
  'POST /orders/{orderId}/shipments': {
    summary: 'Report a shipment (all lines, or some): the invoice for it is issued and emailed',
    request: reportShipmentRequest,
    requestExample: { carrier: 'DHL' },
    response: { status: 202, schema: accepted },
  },
  'POST /orders/{orderId}/cancel': { summary: 'Cancel an order before it ships', request: cancelOrderRequest, response: { status: 202, schema: accepted } },
  'POST /orders/{orderId}/credit-decision': {
    summary: "Approve or reject an order held over the customer's credit limit",
    request: creditDecisionRequest,
    requestExample: { decision: 'approve', reason: 'long-standing customer' },
    response: { status: 200, schema: creditDecided, example: { orderId: '6f1c1d7e-5b7a-4a55-9a43-0d1f2b3c4d5e', status: 'AWAITING_SHIPMENT', decision: 'approve', reason: 'long-standing customer' } },
  },
  'GET /invoices': { summary: 'Invoices, a page at a time, by status, customer or due date', response: { status: 200, schema: page(invoice) } },
  'GET /invoices/{invoiceId}': { summary: 'An invoice with its lines, taxes, allocations, dunning and history', response: { status: 200, schema: invoice } },
  'GET /invoices/{invoiceId}/document': {
    summary: 'The invoice document: PDF or HTML by Accept',
    response: { status: 200, schema: z.string().meta({ format: 'binary' }), mediaTypes: ['application/pdf', 'text/html'] },
  },
  'POST /invoices/import': {
    summary: 'Import open items of an earlier ledger: the JSON array (at most 10,000), or {"uploadId"}; 202, then poll',
    request: z.union([z.array(importItemSchema).max(10_000), uploadStart]),
    requestExample: [{ number: 'OLD-2026-0001', customerId: 'acme', currency: 'EUR', total: '100.00', balance: '100.00', issueDate: '2026-11-01', dueDate: '2026-11-15' }],
    response: { status: 202, schema: accepted },
  },
  'POST /invoices/import/uploads': { summary: 'A presigned S3 PUT URL for an import file of exactly contentLength bytes', request: uploadRequest, requestExample: { contentLength: 1048576 }, response: { status: 201, schema: presignedUpload } },
  'GET /invoices/import/{importId}': { summary: 'An import and its progress', response: { status: 200, schema: accepted } },
  'POST /invoices/import/{importId}/retry': { summary: 'Run the failed step of an import again', request: retryRequest, response: { status: 200, schema: anyObject } },
  'POST /payments': {
    summary: 'Record a payment; it is applied to the invoice its reference names',
    request: recordPaymentRequest,
    requestExample: { amount: '449.70', currency: 'EUR', reference: 'INV-2026-000001', valueDate: '2026-12-01', providerPaymentId: 'pi_3Nx1' },
    response: { status: 201, schema: payment },
  },
  'GET /payments/unapplied': { summary: 'Payments that could not be applied, a page at a time', response: { status: 200, schema: page(cashPayment) } },
  'POST /payments/{paymentId}/apply': { summary: 'Apply an unapplied payment to invoices by hand', request: applyPaymentRequest, response: { status: 200, schema: cashPayment } },
  'POST /remittances': {
    summary: 'A bank statement to apply: the file itself (camt.053/054, BAI2, MT940, CSV; any content type) or {"uploadId"} as JSON; 202, then poll',
    request: uploadStart,
    otherRequestTypes: ['application/octet-stream', 'text/plain', 'application/xml', 'text/csv'],
    requestExample: { uploadId: 'up-0f8fad5b-d9cb-469f-a165-70867728950e' },
    response: { status: 202, schema: accepted },
  },
  'POST /remittances/uploads': { summary: 'A presigned S3 PUT URL for a statement file of exactly contentLength bytes', request: uploadRequest, requestExample: { contentLength: 1048576 }, response: { status: 201, schema: presignedUpload } },
  'GET /remittances/{statementId}': { summary: 'A statement, its lines and what each did, a page of lines at a time', response: { status: 200, schema: accepted } },
  'POST /remittances/{statementId}/retry': { summary: 'Run the failed step of a statement again', request: retryRequest, response: { status: 200, schema: anyObject } },
  'GET /reports/ledger-check': {
    summary: 'Debits equal credits, and receivables equal the open items',
    response: { status: 200, schema: z.looseObject({ balanced: z.boolean(), problems: z.array(z.string()) }), example: { balanced: true, problems: [] } },
  },
  'POST /dunning/runs': { summary: 'A dunning run now (dryRun: what it would do)', request: startDunningRunRequest, requestExample: { dryRun: true }, response: { status: 201, schema: dunningRun } },
  'GET /dunning/runs/{runId}': { summary: 'A dunning run (run-YYYY-MM-DD for the daily run of a day)', response: { status: 200, schema: dunningRun } },
  'GET /dunning/policies': { summary: 'The dunning policies', response: { status: 200, schema: z.looseObject({ items: z.array(dunningPolicy) }) } },
  'PUT /dunning/policies/{policyId}': { summary: 'Create or change a dunning policy', request: policyRequest, response: { status: 200, schema: dunningPolicy } },
  'POST /invoices/{invoiceId}/disputes': { summary: 'Open a dispute: dunning pauses', request: disputeRequest, requestExample: { reason: 'damaged' }, response: { status: 201, schema: disputeOpened } },
  'POST /invoices/{invoiceId}/disputes/{disputeId}/resolve': { summary: 'Resolve a dispute (a credit note where the customer was right)', request: resolveDisputeRequest, response: { status: 200, schema: disputeResolved } },
  'POST /invoices/{invoiceId}/promises': { summary: 'Record a promise to pay: dunning waits until then', request: promiseRequest, requestExample: { amount: '449.70', promisedDate: '2027-01-15' }, response: { status: 201, schema: promiseRecorded } },
  'POST /invoices/{invoiceId}/dunning-block': { summary: 'Block dunning of an invoice until a date', request: blockRequest, response: { status: 200, schema: dunningBlocked } },
  'PUT /invoices/{invoiceId}/dunning-policy': { summary: "Set an invoice's dunning policy (null: the customer's)", request: invoicePolicyRequest, response: { status: 200, schema: invoicePolicySet } },
  'POST /invoices/{invoiceId}/write-off': { summary: 'Write off the balance of an invoice (or part of it)', request: writeOffRequest, response: { status: 200, schema: writtenOff } },
  'GET /collections/worklist': { summary: 'Invoices handed to collectors, ranked', response: { status: 200, schema: collectionsWorklist } },
  'GET /worklists/attention': {
    summary: 'Steps that still fail after their retries, waiting for finance',
    response: { status: 200, schema: z.looseObject({ items: z.array(anyObject), nextCursor: z.string().optional() }) },
  },
  'POST /orders/{orderId}/retry': { summary: 'Run the failed step of an order again', request: retryRequest, response: { status: 200, schema: anyObject } },
  'POST /invoices/{invoiceId}/retry': { summary: 'Run the failed step of an invoice again (machine picks one of its two)', request: retryRequest, response: { status: 200, schema: anyObject } },
  'GET /openapi.json': { summary: 'This document', response: { status: 200, schema: openApiDocumentSchema } },
  'GET /invoices/{invoiceId}/einvoice': {
    summary: 'The invoice as an EN 16931 e-invoice (UBL 2.1, CII D16B, XRechnung UBL/CII, Peppol BIS 3.0); 409 naming the missing master data',
    response: { status: 200, schema: z.string().meta({ format: 'binary' }), mediaTypes: ['application/xml'] },
  },
  'POST /invoices/{invoiceId}/credit-notes': {
    summary: 'Issue a credit note (type 381, own gapless series) for the whole invoice, some lines or an amount',
    request: creditNoteRequest,
    requestExample: { reason: 'returned goods', lines: [{ sku: 'SKU-1', quantity: 1 }] },
    response: { status: 201, schema: z.looseObject({ creditNoteId: z.string() }) },
  },
  'GET /credit-notes/{creditNoteId}': { summary: 'A credit note with its lines, VAT breakdown and the invoice it corrects', response: { status: 200, schema: z.looseObject({ creditNoteId: z.string(), invoiceId: z.string() }) } },
  'GET /credit-notes/{creditNoteId}/document': {
    summary: 'The credit note as PDF (ZUGFeRD hybrid) or HTML',
    response: { status: 200, schema: z.string().meta({ format: 'binary' }), mediaTypes: ['application/pdf', 'text/html'] },
  },
  'GET /credit-notes/{creditNoteId}/einvoice': {
    summary: 'The credit note as an EN 16931 e-invoice (UBL 2.1, CII D16B, XRechnung UBL/CII, Peppol BIS 3.0)',
    response: { status: 200, schema: z.string().meta({ format: 'binary' }), mediaTypes: ['application/xml'] },
  },
  'POST /webhooks': {
    summary: 'Subscribe a URL to domain events (a storefront: its own customers\' events); the secret is shown once',
    request: registerWebhookRequest,
    requestExample: { url: 'https://shop.example/hooks/order-to-cash', eventTypes: ['InvoiceIssued.v1', 'PaymentApplied.v1'] },
    response: { status: 201, schema: z.looseObject({ webhookId: z.string(), secret: z.string() }) },
  },
  'GET /webhooks': { summary: "The caller's webhook subscriptions (finance: all)", response: { status: 200, schema: z.looseObject({ items: z.array(webhookSubscription) }) } },
  'DELETE /webhooks/{webhookId}': { summary: 'Remove a webhook subscription: no further deliveries', response: { status: 200, schema: z.looseObject({ webhookId: z.string(), deletedAt: instant }) } },
  'GET /webhooks/{webhookId}/deliveries': { summary: "A subscription's deliveries with their attempts", response: { status: 200, schema: webhookDeliveries } },
  'GET /portal': { summary: "The customer's own page (pay link credential): open and paid items, documents, on-account credit, recent actions", response: { status: 200, schema: portalPage } },
  'POST /portal/checkout': { summary: 'Pay one, several or part of the open items by card: a Checkout Session of the payment provider for exactly those items; with useCredit the on-account credit is applied first (needs an Idempotency-Key) and only the rest goes to the card (url null when the credit covers everything)', request: checkoutRequest, response: { status: 201, schema: portalCheckout } },
  'POST /portal/disputes': { summary: 'The customer disputes an invoice (reason, optional amount): dunning pauses', request: portalDisputeRequest, response: { status: 201, schema: disputeOpened } },
  'POST /portal/promises': { summary: 'The customer promises to pay by a date: accepted within the policy limits, else waits for finance', request: portalPromiseRequest, response: { status: 201, schema: portalPromiseAnswer } },
  'PUT /portal/billing-email': { summary: "The customer updates its billing email", request: billingEmailRequest, requestExample: { email: 'ap@acme.example' }, response: { status: 200, schema: z.looseObject({ customerId: z.string(), email: z.string() }) } },
  'GET /portal/invoices/{invoiceId}/document': { summary: "One of the customer's invoices as PDF or HTML, or as e-invoice XML on Accept: application/xml (UBL, CII, XRechnung or Peppol BIS as the customer's einvoiceFormat says)", response: { status: 200, schema: z.string().meta({ format: 'binary' }), mediaTypes: ['application/pdf', 'text/html', 'application/xml'] } },
  'GET /customers/{customerId}/statement': {
    summary: 'Statement of account of a period: opening balance, every document and payment with running balance, closing balance, aging',
    response: { status: 200, schema: statementOfAccount, mediaTypes: ['application/json', 'text/csv', 'application/pdf'] },
  },
  'POST /customers/{customerId}/pay-links/revoke': {
    summary: 'Revoke every pay link issued to the customer so far (reason optional, kept in the audit trail)',
    request: revokePayLinksRequest,
    requestExample: { reason: 'link forwarded to the wrong address' },
    response: { status: 200, schema: z.looseObject({ customerId: z.string(), payLinksRevokedAt: instant }) },
  },
  'GET /customers/{customerId}/portal-activity': { summary: 'What the customer did in its portal, and what finance did to its links', response: { status: 200, schema: portalActivity } },
  'POST /webhooks/stripe': { summary: "The payment provider's signed webhook (Stripe-Signature checked): card payments, refunds and disputes applied once", response: { status: 200, schema: anyObject } },
  'POST /customers/{customerId}/mandates': {
    summary: 'Record a SEPA direct debit mandate of the customer (CORE or B2B; IBAN checked)',
    request: mandateRequest,
    requestExample: { iban: 'DE89370400440532013000', accountHolder: 'ACME GmbH', signedOn: '2026-11-02', scheme: 'CORE' },
    response: { status: 201, schema: mandate },
  },
  'GET /customers/{customerId}/mandates': { summary: "The customer's mandates with status and sequence (FRST/RCUR)", response: { status: 200, schema: z.looseObject({ customerId: z.string(), items: z.array(mandate) }) } },
  'POST /customers/{customerId}/mandates/{mandateId}/revoke': { summary: 'Revoke a mandate: no further collections on it', request: revokeRequest, response: { status: 200, schema: mandate } },
  'POST /collections/runs': { summary: 'The SEPA collection run now (asOf optional): pain.008 files of the invoices due on the next collection date', request: collectionRunRequest, response: { status: 201, schema: collectionRun } },
  'GET /collections/files': { summary: 'Collection files (pain.008.001.08), a page at a time', response: { status: 200, schema: z.looseObject({ items: z.array(collectionFile), cursor: z.string().optional() }) } },
  'GET /collections/files/{fileId}': { summary: 'A collection file: the pain.008 XML, or its summary as JSON', response: { status: 200, schema: z.string().meta({ format: 'binary' }), mediaTypes: ['application/xml', 'application/json'] } },
  'POST /collections/files/{fileId}/cancel': { summary: 'Cancel a collection file before its collection date: its invoices are no longer in collection', response: { status: 200, schema: collectionFile.extend({ alreadyCancelled: z.boolean() }) } },
  'POST /collections/returns': {
    summary: 'Returns and rejects of collections (camt.053/054 with return reasons, pain.002): invoices reopened once, mandates stopped where the reason says so',
    otherRequestTypes: ['application/xml', 'text/plain', 'application/octet-stream'],
    response: { status: 200, schema: collectionReturns },
  },
  'POST /customers/{customerId}/credit/apply': { summary: "Apply the customer's on-account credit to one of its open invoices", request: applyCreditRequest, response: { status: 200, schema: z.looseObject({ invoiceId: z.string(), applied: amount, balance: amount, status: z.enum(INVOICE_STATUS_VALUES) }) } },
  'POST /refunds': { summary: "Refund on-account credit by SEPA credit transfer (pain.001.001.09)", request: refundRequest, response: { status: 201, schema: refund.extend({ fileUrl: z.string().meta({ description: 'GET it for the pain.001.001.09 file' }) }) } },
  'GET /refunds/{refundId}': { summary: 'A refund with its status (sent, confirmed, reversed)', response: { status: 200, schema: refund } },
  'GET /refunds/{refundId}/file': { summary: 'The credit transfer file (pain.001.001.09) of a refund', response: { status: 200, schema: z.string().meta({ format: 'binary' }), mediaTypes: ['application/xml'] } },
  'POST /refunds/statements': {
    summary: 'A bank statement (camt) that confirms refunds sent (debits) or reverses returned ones, each once',
    otherRequestTypes: ['application/xml', 'text/plain', 'application/octet-stream'],
    response: { status: 200, schema: refundSettlement },
  },
  'POST /portal/mandates': {
    summary: 'The customer signs a SEPA direct debit mandate on its page, accepting the mandate text GET /portal shows (directDebit.texts)',
    request: portalMandateRequest,
    requestExample: { iban: 'DE02120300000000202051', accountHolder: 'Acme GmbH', scheme: 'CORE', acceptMandateText: true },
    response: { status: 201, schema: portalMandate },
  },
  'POST /portal/mandates/revoke': { summary: 'The customer revokes one of its mandates: no further collection on it', request: portalRevokeMandateRequest, requestExample: { mandateId: 'MD-ACME-1', reason: 'we pay by transfer' }, response: { status: 200, schema: portalMandate } },
  'POST /predictions/runs': { summary: 'Predict the payment date of every open item now (retrain: a new model first)', request: predictionRunRequest, requestExample: { retrain: true }, response: { status: 201, schema: predictionRun } },
  'GET /reports/cash-forecast': { summary: '13-week cash-in forecast per currency with an 80% interval, and its backtest', response: { status: 200, schema: cashForecast, mediaTypes: ['application/json', 'text/csv'] } },
  'GET /ledger/journals': {
    summary: 'The journal lines booked from `from` to `to` (dates in the business time zone): `format=csv` one row per line with the invoice, payment, credit note or charge it came from; `format=datev` a DATEV Buchungsstapel (EXTF 700, Windows-1252)',
    response: { status: 200, schema: z.string().meta({ format: 'binary' }), mediaTypes: ['text/csv'] },
  },
  'GET /ledger/periods': {
    summary: 'The accounting periods (months): the closed ones, with when and by whom, then the open ones through the current month',
    response: {
      status: 200,
      schema: z.looseObject({ closedThrough: z.string().nullable(), periods: z.array(z.looseObject({ period: z.string(), status: z.enum(['OPEN', 'CLOSED']), closedAt: z.string().nullable(), closedBy: z.string().nullable() })) }),
      example: { closedThrough: '2026-10', periods: [{ period: '2026-10', status: 'CLOSED', closedAt: '2026-11-02T08:00:00.000Z', closedBy: 'local-finance' }, { period: '2026-11', status: 'OPEN', closedAt: null, closedBy: null }] },
    },
  },
  'POST /ledger/periods/{period}/close': {
    summary: 'Close a period (YYYY-MM): nothing is dated in it any more (a later posting is booked on the first day of the next open period, keeping its date); 409 when an earlier period is open',
    request: closePeriodRequest,
    response: {
      status: 200,
      schema: z.looseObject({ period: z.string(), status: z.literal('CLOSED'), closedAt: z.string(), closedBy: z.string(), postingsNowDatedFrom: z.string() }),
      example: { period: '2026-11', status: 'CLOSED', closedAt: '2026-11-30T17:00:00.000Z', closedBy: 'local-finance', postingsNowDatedFrom: '2026-12-01' },
    },
  },
  'POST /remittances/advices': {
    summary: 'A remittance advice (the advice CSV as text/csv, or a PDF with its table as application/pdf): kept waiting for its transfer, or applied at once to the unapplied payment it fits; 201 new, 200 received before; 400 naming the row and field of a bad advice',
    otherRequestTypes: ['text/csv', 'text/plain', 'application/pdf', 'application/octet-stream'],
    response: { status: 201, schema: remittanceAdvice, example: ADVICE_EXAMPLE },
  },
  'GET /remittances/advices': { summary: 'The remittance advices received, a page at a time, each waiting, used (by the statement line or payment it split) or refused with the reason', response: { status: 200, schema: page(remittanceAdvice) } },
  'GET /remittances/advices/{adviceId}': { summary: 'A remittance advice: waiting, used by the statement line it split, or refused with the reason', response: { status: 200, schema: remittanceAdvice, example: ADVICE_EXAMPLE } },
};
