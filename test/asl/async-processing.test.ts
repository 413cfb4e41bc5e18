/**
 * The asynchronous processing machines read as the business does: a statement is read, then its
 * lines are applied in slices at the same time (a Map), each slice chunk by chunk until its lines
 * are handled (the loop goes back to ApplyLinesOfSlice while the step says it is not done); an unreadable file ends rejected; an import goes on after a
 * pause while it is unfinished, and ends imported or refused. Each step's retry continues from the
 * progress saved, so the loop and the retries never start over.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stateMachineById } from '../../lib/definitions/state-machines';

const root = resolve(import.meta.dirname, '../..');
type State = Record<string, unknown> & { Type: string; Next?: string; Choices?: Record<string, unknown>[]; Default?: string; Retry?: { ErrorEquals: string[] }[]; MaxConcurrency?: number; TimeoutSeconds?: number };
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

  const slice = (states.ApplyLines as unknown as { ItemProcessor: { StartAt: string; States: Record<string, State>; ProcessorConfig: unknown } }).ItemProcessor;

  it('applies the lines in slices at the same time (a Map with a bounded concurrency over the slices ReadStatement cut), then StatementProcessed', () => {
    expect(states.ReadStatement!.ResultSelector).toEqual({ 'readable.$': '$.Payload.readable', 'total.$': '$.Payload.total', 'slices.$': '$.Payload.slices' });
    expect(states.ApplyLines).toMatchObject({ Type: 'Map', ItemsPath: '$.file.slices', ResultPath: null, Next: 'StatementProcessed' });
    expect(states.ApplyLines!.MaxConcurrency).toBeGreaterThan(1);
    expect(states.ApplyLines!.MaxConcurrency).toBeLessThanOrEqual(10);
    expect(slice.ProcessorConfig).toEqual({ Mode: 'INLINE' });
    expect(states.AreAllLinesApplied).toBeUndefined();
    expect(states.StatementProcessed?.Type).toBe('Succeed');
  });

  it('loops within a slice: ApplyLinesOfSlice until the step says its slice is done, then SliceApplied', () => {
    expect(slice.StartAt).toBe('ApplyLinesOfSlice');
    expect(slice.States.ApplyLinesOfSlice).toMatchObject({ Type: 'Task', ResultPath: '$.progress', ResultSelector: { 'done.$': '$.Payload.done', 'processed.$': '$.Payload.processed', 'total.$': '$.Payload.total' }, Next: 'IsSliceApplied' });
    expect(slice.States.IsSliceApplied).toMatchObject({ Choices: [{ Variable: '$.progress.done', BooleanEquals: true, Next: 'SliceApplied' }], Default: 'ApplyLinesOfSlice' });
    expect(slice.States.SliceApplied?.Type).toBe('Succeed');
  });

  it('gives the steps the statement, its file and its run (and each branch its slice), and keeps the machine input for the retry', () => {
    expect((states.ReadStatement!.Parameters as { Payload: unknown }).Payload).toEqual({ 'statementId.$': '$.statementId', 'objectKey.$': '$.objectKey', 'run.$': '$.run' });
    expect(states.ApplyLines!.ItemSelector).toEqual({ 'statementId.$': '$.statementId', 'objectKey.$': '$.objectKey', 'run.$': '$.run', 'from.$': '$$.Map.Item.Value.from', 'to.$': '$$.Map.Item.Value.to' });
    expect((slice.States.ApplyLinesOfSlice!.Parameters as { Payload: unknown }).Payload).toEqual({ 'statementId.$': '$.statementId', 'objectKey.$': '$.objectKey', 'run.$': '$.run', 'from.$': '$.from', 'to.$': '$.to' });
    expect((states.NeedsAttention!.Parameters as { Payload: Record<string, unknown> }).Payload).toMatchObject({ machine: 'StatementProcessing', 'statementId.$': '$.statementId' });
  });

  it('retries a crashed or timed-out slice step (it continues from the chunks counted), including Step Functions throttling its resumes; a slice failing after them puts the statement on the worklist', () => {
    const retried = (slice.States.ApplyLinesOfSlice!.Retry ?? []).flatMap((r) => r.ErrorEquals);
    expect(retried).toEqual(expect.arrayContaining(['Lambda.ServiceException', 'Sandbox.Timedout', 'TransientStoreError', 'TransientWorkflowError', 'States.Timeout']));
    expect(slice.States.ApplyLinesOfSlice!.TimeoutSeconds).toBeGreaterThan(300);
    expect(states.ApplyLines!.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'ApplyLinesFailed' }]);
    expect(states.RetryFailedStep!.Choices).toContainEqual({ Variable: '$.returnTo', StringEquals: 'ApplyLines', Next: 'ApplyLines' });
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
