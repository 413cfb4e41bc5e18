/**
 * The asynchronous processing machines read as the business does: a statement is read, then its
 * lines are applied chunk by chunk until every line is handled (the loop goes back to ApplyLines
 * while the step says it is not done); an unreadable file ends rejected; an import goes on after a
 * pause while it is unfinished, and ends imported or refused. Each step's retry continues from the
 * progress saved, so the loop and the retries never start over.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stateMachineById } from '../../lib/definitions/state-machines';

const root = resolve(import.meta.dirname, '../..');
type State = Record<string, unknown> & { Type: string; Next?: string; Choices?: Record<string, unknown>[]; Default?: string; Retry?: { ErrorEquals: string[] }[] };
const statesOf = (id: 'StatementProcessing' | 'InvoiceImport') =>
  (JSON.parse(readFileSync(resolve(root, stateMachineById(id).file), 'utf8')) as { States: Record<string, State> }).States;

describe('StatementProcessing', () => {
  const states = statesOf('StatementProcessing');

  it('reads the statement, then applies its lines, and rejects a file it cannot read', () => {
    expect(states.IsContinuedExecution?.Default).toBe('ReadStatement');
    expect(states.ReadStatement).toMatchObject({ Type: 'Task', ResultPath: '$.file', Next: 'IsStatementReadable' });
    expect(states.IsStatementReadable).toMatchObject({ Choices: [{ Variable: '$.file.readable', BooleanEquals: false, Next: 'StatementRejected' }], Default: 'ApplyLines' });
    expect(states.StatementRejected?.Type).toBe('Succeed');
  });

  it('loops over the chunks: ApplyLines until the step says done, then StatementProcessed', () => {
    expect(states.ApplyLines).toMatchObject({ Type: 'Task', ResultPath: '$.progress', ResultSelector: { 'done.$': '$.Payload.done', 'processed.$': '$.Payload.processed', 'total.$': '$.Payload.total' }, Next: 'AreAllLinesApplied' });
    expect(states.AreAllLinesApplied).toMatchObject({ Choices: [{ Variable: '$.progress.done', BooleanEquals: true, Next: 'StatementProcessed' }], Default: 'ApplyLines' });
    expect(states.StatementProcessed?.Type).toBe('Succeed');
  });

  it('gives the steps the statement, its file and its run, and keeps the machine input for the retry', () => {
    for (const name of ['ReadStatement', 'ApplyLines']) {
      expect((states[name]!.Parameters as { Payload: unknown }).Payload).toEqual({ 'statementId.$': '$.statementId', 'objectKey.$': '$.objectKey', 'run.$': '$.run' });
    }
    expect((states.NeedsAttention!.Parameters as { Payload: Record<string, unknown> }).Payload).toMatchObject({ machine: 'StatementProcessing', 'statementId.$': '$.statementId' });
  });

  it('retries a crashed or timed-out line step (it continues from the saved progress), including Step Functions throttling its resumes', () => {
    const retried = (states.ApplyLines!.Retry ?? []).flatMap((r) => r.ErrorEquals);
    expect(retried).toEqual(expect.arrayContaining(['Lambda.ServiceException', 'Sandbox.Timedout', 'TransientStoreError', 'TransientWorkflowError', 'States.Timeout']));
    expect(states.ApplyLines!.TimeoutSeconds).toBeGreaterThan(300);
  });
});

describe('InvoiceImport', () => {
  const states = statesOf('InvoiceImport');

  it('imports, then ends imported or refused, or waits and goes on where it stopped', () => {
    expect(states.IsContinuedExecution?.Default).toBe('ImportOpenItems');
    expect(states.ImportOpenItems).toMatchObject({ Type: 'Task', ResultPath: '$.attempt', Next: 'WhereIsTheImport' });
    expect(states.WhereIsTheImport).toMatchObject({
      Choices: [
        { Variable: '$.attempt.outcome', StringEquals: 'imported', Next: 'OpenItemsImported' },
        { Variable: '$.attempt.outcome', StringEquals: 'refused', Next: 'ImportRefused' },
      ],
      Default: 'WaitBeforeContinuingTheImport',
    });
    expect(states.WaitBeforeContinuingTheImport).toMatchObject({ Type: 'Wait', SecondsPath: '$.attempt.retryAfterSeconds', Next: 'ImportOpenItems' });
    expect(states.OpenItemsImported?.Type).toBe('Succeed');
    expect(states.ImportRefused?.Type).toBe('Succeed');
    expect((states.NeedsAttention!.Parameters as { Payload: Record<string, unknown> }).Payload).toMatchObject({ machine: 'InvoiceImport', 'importId.$': '$.importId' });
  });
});
