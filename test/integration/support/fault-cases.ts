/**
 * Shared by the fault suites: a storefront that retries 5xx with the same Idempotency-Key (as it
 * must), finance that retries what waits on the attention worklist, the invariants every case
 * checks, and the count of fault cases run.
 */
import { expect } from 'vitest';
import type { FaultRequest, LocalFaults } from '../../../local-aws/faults';
import type { ApiDriver, ApiResponse } from './api-driver';

export interface AttentionItem {
  attentionId: string;
  machine: string;
  subject: 'order' | 'invoice' | 'statement' | 'import';
  subjectId: string;
  state: string;
  error: string;
  message: string;
  at: string;
}

/** A storefront call that is retried on 5xx (and 409 "in progress") with the same Idempotency-Key. */
export async function withRetries<T>(what: string, call: () => Promise<ApiResponse<T>>, attempts = 6): Promise<ApiResponse<T>> {
  let last: ApiResponse<T> | undefined;
  for (let i = 0; i < attempts; i++) {
    last = await call();
    const inProgress = last.status === 409 && JSON.stringify(last.body).includes('IDEMPOTENT_REQUEST_IN_PROGRESS');
    if (last.status < 500 && !inProgress) return last;
    await new Promise((r) => setTimeout(r, 50 * (i + 1)));
  }
  throw new Error(`${what} still failed after ${attempts} attempts: ${last?.status} ${JSON.stringify(last?.body)}`);
}

type Shown = ApiResponse<{ attention?: { state: string; error: string }; status?: string }>;
type Retried = ApiResponse<{ retried?: { state: string }[] }>;

/** Where each kind of subject is read and retried, through the typed client. */
const SUBJECTS: Record<AttentionItem['subject'], { read: (api: ApiDriver, id: string) => Promise<Shown>; retry: (api: ApiDriver, id: string) => Promise<Retried> }> = {
  order: { read: (api, orderId) => api.op('getOrdersOrderId', { path: { orderId } }), retry: (api, orderId) => api.op('postOrdersOrderIdRetry', { path: { orderId }, body: {} }, { as: 'finance' }) },
  invoice: { read: (api, invoiceId) => api.op('getInvoicesInvoiceId', { path: { invoiceId } }), retry: (api, invoiceId) => api.op('postInvoicesInvoiceIdRetry', { path: { invoiceId }, body: {} }, { as: 'finance' }) },
  statement: { read: (api, statementId) => api.op('getRemittancesStatementId', { path: { statementId } }), retry: (api, statementId) => api.op('postRemittancesStatementIdRetry', { path: { statementId }, body: {} }, { as: 'finance' }) },
  import: { read: (api, importId) => api.op('getInvoicesImportImportId', { path: { importId } }), retry: (api, importId) => api.op('postInvoicesImportImportIdRetry', { path: { importId }, body: {} }, { as: 'finance' }) },
};

/**
 * Finance at work while the test waits: whatever of `subjects` appears on the attention worklist is
 * noted, the faults are cleared (the cause was fixed) and the order or invoice is retried.
 */
export class Finance {
  readonly seen: AttentionItem[] = [];

  constructor(
    private readonly api: ApiDriver,
    private readonly faults: LocalFaults,
  ) {}

  async tend(subjects: readonly string[]): Promise<void> {
    const list = await this.api.op('getWorklistsAttention');
    for (const item of (list.body.items ?? []) as unknown as AttentionItem[]) {
      if (!subjects.includes(item.subjectId)) continue;
      this.seen.push(item);
      // What waits for finance shows on the order, invoice, statement or import too.
      const shown = await SUBJECTS[item.subject].read(this.api, item.subjectId);
      expect(shown.body.attention, `${item.subjectId} shows its attention`).toMatchObject({ state: item.state, error: item.error });
      if (item.subject === 'statement' || item.subject === 'import') expect(shown.body.status, `${item.subjectId} is failed while it waits`).toBe('failed');
      this.faults.clear();
      const retried = await SUBJECTS[item.subject].retry(this.api, item.subjectId);
      expect(retried.status, JSON.stringify(retried.body)).toBe(200);
      expect((retried.body.retried ?? []).map((r) => r.state)).toContain(item.state);
    }
  }

  /** Polls `read` until `done`, tending the worklist for `subjects` between polls. */
  async waitFor<T>(what: string, subjects: () => readonly string[], read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let last = await read();
    while (!done(last)) {
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}; last seen: ${JSON.stringify(last).slice(0, 600)}; on the worklist: ${JSON.stringify(this.seen.slice(-3))}`);
      await this.tend(subjects());
      await new Promise((r) => setTimeout(r, 40));
      last = await read();
    }
    return last;
  }
}

export interface FaultCase {
  readonly name: string;
  readonly fault: FaultRequest;
  /** The fault is permanent until finance clears it: the subject must wait on the worklist with this step. */
  readonly needsAttention?: { readonly state: string };
}

/** The cases for one function: a failure once, a lost answer (time-out), DynamoDB throttling once, and (steps) a failure that needs finance. */
export function casesFor(functionId: FaultRequest['functionId'] & string, state: string | undefined): FaultCase[] {
  const cases: FaultCase[] = [
    { name: `${functionId} fails once (Lambda.ServiceException)`, fault: { kind: 'error', functionId, errorName: 'Lambda.ServiceException', times: 1 } },
    { name: `${functionId} times out once after doing its work`, fault: { kind: 'timeout', functionId, times: 1 } },
    { name: `${functionId} sees DynamoDB throttle once`, fault: { kind: 'dynamodb-throttle', functionId, times: 1 } },
    { name: `${functionId} sees DynamoDB throttle twice, mid-way`, fault: { kind: 'dynamodb-throttle', functionId, times: 2, after: 1 } },
  ];
  if (state) {
    cases.push({ name: `${functionId} fails until finance retries (${state} needs attention)`, fault: { kind: 'error', functionId, errorName: 'SupplierSystemDown', message: `${functionId}: the ledger system is down`, times: 0 }, needsAttention: { state } });
  }
  return cases;
}

let run = 0;
/** Counts a fault case run (printed by each suite). */
export function countCase(): number {
  run += 1;
  return run;
}
export const casesRun = () => run;
