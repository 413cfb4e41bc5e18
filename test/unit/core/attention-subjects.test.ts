/**
 * The attention worklist knows four kinds of subject: orders, invoices, and now bank statements and
 * imports, whose processing machines fall back to it. A step of a statement's or import's execution
 * is recorded under its machine and id, and finance's retry resumes exactly that execution.
 */
import { describe, expect, it } from 'vitest';
import { recordNeedsAttention, retryAttention, type AttentionEntry, type AttentionStore, type AttentionWorkflow } from '../../../lambdas/core/attention/attention';
import { ConflictError, ValidationError } from '../../../lambdas/core/errors';

class Store implements AttentionStore {
  readonly entries = new Map<string, AttentionEntry & { taskToken?: string }>();
  async record(entry: Omit<AttentionEntry, 'since' | 'status' | 'occurrences'>, taskToken: string) {
    this.entries.set(entry.attentionId, { ...entry, since: entry.at, status: 'OPEN', occurrences: 1, taskToken });
  }
  async get(attentionId: string) {
    return this.entries.get(attentionId);
  }
  async listOpen() {
    return { items: [...this.entries.values()].filter((e) => e.status === 'OPEN') };
  }
  async markRetried(attentionId: string, taskToken: string, retriedBy: string, at: string) {
    const entry = this.entries.get(attentionId);
    if (entry?.taskToken !== taskToken) return false;
    this.entries.set(attentionId, { ...entry, status: 'RETRIED', retriedBy, retriedAt: at });
    return true;
  }
}

const clock = { now: () => new Date('2026-12-06T10:00:00Z') };

describe('the attention worklist for statements and imports', () => {
  it('records a statement step under StatementProcessing#<statementId> and an import step under InvoiceImport#<importId>', async () => {
    const attention = new Store();
    const failure = { Error: 'LedgerLocked', Cause: JSON.stringify({ errorMessage: 'the ledger is closed' }) };

    await recordNeedsAttention({ attention, clock }, { machine: 'StatementProcessing', statementId: 'st-1', executionArn: 'arn:x:st-1-1', state: 'ApplyLines', failure, taskToken: 't-1' });
    await recordNeedsAttention({ attention, clock }, { machine: 'InvoiceImport', importId: 'import-1', executionArn: 'arn:x:import-1-1', state: 'ImportOpenItems', failure, taskToken: 't-2' });

    expect(attention.entries.get('StatementProcessing#st-1')).toMatchObject({ subject: 'statement', subjectId: 'st-1', state: 'ApplyLines', error: 'LedgerLocked', message: 'the ledger is closed' });
    expect(attention.entries.get('InvoiceImport#import-1')).toMatchObject({ subject: 'import', subjectId: 'import-1', state: 'ImportOpenItems' });
    await expect(recordNeedsAttention({ attention, clock }, { machine: 'StatementProcessing', executionArn: 'a', state: 'ApplyLines', taskToken: 't' })).rejects.toThrow(ValidationError);
  });

  it('retries the waiting statement execution with its token, and answers 409 when nothing of it waits', async () => {
    const attention = new Store();
    const resumed: string[] = [];
    const workflow: AttentionWorkflow = { resume: async (token) => (resumed.push(token), true) };
    await recordNeedsAttention({ attention, clock }, { machine: 'StatementProcessing', statementId: 'st-2', executionArn: 'arn:x', state: 'ApplyLines', taskToken: 'token-st-2' });

    const result = await retryAttention({ attention, clock, workflow }, 'statement', 'st-2', 'finance-user');

    expect(result.retried).toEqual([{ machine: 'StatementProcessing', state: 'ApplyLines', error: 'States.Unknown', executionArn: 'arn:x' }]);
    expect(resumed).toEqual(['token-st-2']);
    await expect(retryAttention({ attention, clock, workflow }, 'import', 'import-9', 'finance-user')).rejects.toThrow(ConflictError);
    await expect(retryAttention({ attention, clock, workflow }, 'statement', 'st-2', 'finance-user', { machine: 'OrderLifecycle' })).rejects.toThrow(/machine: must be one of StatementProcessing/);
  });
});
