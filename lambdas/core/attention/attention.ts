/**
 * Finance's attention worklist: a state machine step that still fails after its retries puts its
 * order or invoice here with the step, the error and its cause, and the execution waits (task
 * token) until finance retries it (`POST /orders/{orderId}/retry`, `POST /invoices/{invoiceId}/retry`);
 * then the failed step runs again. Every step is safe to repeat (see the README's retry table), so a
 * retry never doubles an invoice, a payment, a letter or a journal.
 *
 * One entry per execution kind and subject (`OrderLifecycle#<orderId>`, `InvoiceSettlement#<invoiceId>`,
 * `DunningEscalation#<invoiceId>`): a step that fails again after a retry reopens the same entry.
 */
import { ConflictError, ValidationError } from '../errors';
import type { Clock } from '../time/clock';

export type AttentionMachine = 'OrderLifecycle' | 'InvoiceSettlement' | 'DunningEscalation' | 'StatementProcessing' | 'InvoiceImport';
export type AttentionSubject = 'order' | 'invoice' | 'statement' | 'import';

export const MACHINES_OF: Readonly<Record<AttentionSubject, readonly AttentionMachine[]>> = {
  order: ['OrderLifecycle'],
  invoice: ['InvoiceSettlement', 'DunningEscalation'],
  statement: ['StatementProcessing'],
  import: ['InvoiceImport'],
};

/** The subject of each machine's executions, and the field of the step input that names it. */
export const SUBJECT_OF: Readonly<Record<AttentionMachine, { readonly subject: AttentionSubject; readonly idField: 'orderId' | 'invoiceId' | 'statementId' | 'importId' }>> = {
  OrderLifecycle: { subject: 'order', idField: 'orderId' },
  InvoiceSettlement: { subject: 'invoice', idField: 'invoiceId' },
  DunningEscalation: { subject: 'invoice', idField: 'invoiceId' },
  StatementProcessing: { subject: 'statement', idField: 'statementId' },
  InvoiceImport: { subject: 'import', idField: 'importId' },
};

const ID_FIELD: Readonly<Record<AttentionSubject, string>> = { order: 'orderId', invoice: 'invoiceId', statement: 'statementId', import: 'importId' };
const SUBJECT_WORD: Readonly<Record<AttentionSubject, string>> = { order: 'Order', invoice: 'Invoice', statement: 'Statement', import: 'Import' };

export interface AttentionEntry {
  readonly attentionId: string;
  readonly machine: AttentionMachine;
  readonly subject: AttentionSubject;
  readonly subjectId: string;
  readonly executionArn: string;
  /** The state that failed (the one a retry runs again). */
  readonly state: string;
  readonly error: string;
  /** What the error says, readable (the Lambda error message when the cause is Lambda's JSON). */
  readonly message: string;
  /** The cause as Step Functions gave it (trimmed). */
  readonly cause: string;
  /** When it failed (this time). */
  readonly at: string;
  /** When it first failed without a retry in between. */
  readonly since: string;
  readonly status: 'OPEN' | 'RETRIED';
  /** How many times it was put on the worklist. */
  readonly occurrences: number;
  readonly retriedAt?: string;
  readonly retriedBy?: string;
}

export interface AttentionStore {
  /** Puts the entry on the worklist (OPEN) with the waiting task token; marks the order or invoice. */
  record(entry: Omit<AttentionEntry, 'since' | 'status' | 'occurrences'>, taskToken: string): Promise<void>;
  get(attentionId: string): Promise<(AttentionEntry & { taskToken?: string }) | undefined>;
  /** OPEN entries, oldest first. */
  listOpen(limit: number, cursor?: string): Promise<{ items: AttentionEntry[]; nextCursor?: string }>;
  /** Marks it RETRIED if it still waits with this token; clears the mark on the order or invoice. False if it changed. */
  markRetried(attentionId: string, taskToken: string, retriedBy: string, at: string): Promise<boolean>;
}

export interface AttentionWorkflow {
  /** Resumes the waiting NeedsAttention step; false when the token is stale. */
  resume(taskToken: string, output: Record<string, unknown>): Promise<boolean>;
}

export interface AttentionDeps {
  readonly attention: AttentionStore;
  readonly clock: Clock;
}

/** What an order or invoice shows while a step of it waits on the attention worklist. */
export interface AttentionMark {
  readonly machine: AttentionMachine;
  readonly state: string;
  readonly error: string;
  readonly message: string;
  readonly at: string;
}

/** The `{ attention }` to show with an order or invoice read from the store (the adapter keeps the mark on the item). */
export function attentionShown(item: object): { attention?: AttentionMark } {
  const mark = (item as { attention?: AttentionMark }).attention;
  return mark ? { attention: mark } : {};
}

export const attentionIdOf = (machine: AttentionMachine, subjectId: string): string => `${machine}#${subjectId}`;

const MAX_CAUSE = 2000;

/** Lambda's cause is `{"errorType","errorMessage",...}`: its message reads better on a worklist. */
export function readableCause(cause: string | undefined): string {
  if (!cause) return '';
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    if (parsed && typeof parsed.errorMessage === 'string') return parsed.errorMessage;
  } catch {
    // not JSON: the cause as it is
  }
  return cause;
}

export interface NeedsAttentionInput {
  readonly machine: AttentionMachine;
  readonly orderId?: string;
  readonly invoiceId?: string;
  readonly statementId?: string;
  readonly importId?: string;
  readonly executionArn: string;
  readonly state: string;
  readonly failure?: { readonly Error?: string; readonly Cause?: string } | null;
  readonly taskToken: string;
}

/** The NeedsAttention step: records the failure on the worklist and keeps the token until finance retries. */
export async function recordNeedsAttention(deps: AttentionDeps, input: NeedsAttentionInput): Promise<{ attentionId: string; waiting: true }> {
  const { subject, idField } = SUBJECT_OF[input.machine];
  const subjectId = input[idField];
  if (!subjectId) throw ValidationError.of(idField, 'is required');
  const error = input.failure?.Error ?? 'States.Unknown';
  const cause = (input.failure?.Cause ?? '').slice(0, MAX_CAUSE);
  const attentionId = attentionIdOf(input.machine, subjectId);
  await deps.attention.record(
    {
      attentionId,
      machine: input.machine,
      subject,
      subjectId,
      executionArn: input.executionArn,
      state: input.state,
      error,
      message: readableCause(cause).slice(0, 500),
      cause,
      at: deps.clock.now().toISOString(),
    },
    input.taskToken,
  );
  return { attentionId, waiting: true };
}

/** GET /worklists/attention: what waits for finance, oldest first. */
export async function listAttention(deps: AttentionDeps, query: { limit?: string; cursor?: string }) {
  const limit = query.limit === undefined ? 50 : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw ValidationError.of('limit', 'must be a whole number from 1 to 200');
  const page = await deps.attention.listOpen(limit, query.cursor);
  return { items: page.items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
}

export interface RetryResult {
  readonly retried: { machine: AttentionMachine; state: string; error: string; executionArn: string }[];
}

/**
 * POST /orders/{orderId}/retry, POST /invoices/{invoiceId}/retry, POST /remittances/{statementId}/retry,
 * POST /invoices/import/{importId}/retry (finance): resumes every execution
 * of the order or invoice that waits on the worklist, so that its failed step runs again. 409 when
 * nothing waits. A token that went stale (the wait lapsed and was recorded again) is retried with
 * the new one.
 */
export async function retryAttention(
  deps: AttentionDeps & { readonly workflow: AttentionWorkflow },
  subject: AttentionSubject,
  subjectId: string,
  retriedBy: string,
  body?: unknown,
): Promise<RetryResult> {
  if (!subjectId) throw ValidationError.of(ID_FIELD[subject], 'is required');
  const requested = (body as { machine?: unknown } | undefined)?.machine;
  if (requested !== undefined && !MACHINES_OF[subject].includes(requested as AttentionMachine)) {
    throw ValidationError.of('machine', `must be one of ${MACHINES_OF[subject].join(', ')}`);
  }
  const machines = requested === undefined ? MACHINES_OF[subject] : [requested as AttentionMachine];
  const retried: RetryResult['retried'] = [];
  for (const machine of machines) {
    const attentionId = attentionIdOf(machine, subjectId);
    for (let attempt = 0; attempt < 3; attempt++) {
      const entry = await deps.attention.get(attentionId);
      if (!entry || entry.status !== 'OPEN' || !entry.taskToken) break;
      const at = deps.clock.now().toISOString();
      const resumed = await deps.workflow.resume(entry.taskToken, { retriedBy, retriedAt: at, state: entry.state });
      if (resumed) {
        await deps.attention.markRetried(attentionId, entry.taskToken, retriedBy, at);
        retried.push({ machine, state: entry.state, error: entry.error, executionArn: entry.executionArn });
        break;
      }
      // Stale: the execution recorded the entry again with a new token (or moved on). Look again;
      // if nothing changed, the execution no longer waits: close the entry.
      const again = await deps.attention.get(attentionId);
      if (again?.taskToken === entry.taskToken) {
        await deps.attention.markRetried(attentionId, entry.taskToken, retriedBy, at);
        break;
      }
    }
  }
  if (retried.length === 0) {
    throw new ConflictError(`${SUBJECT_WORD[subject]} ${subjectId} is not on the attention worklist`, 'NOT_WAITING_FOR_FINANCE');
  }
  return { retried };
}
