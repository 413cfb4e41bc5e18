import { DynamoDBServiceException, ProvisionedThroughputExceededException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { MessageRejected, SESServiceException } from '@aws-sdk/client-ses';
import { SFNServiceException } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { asStepError } from '../../../lambdas/shared/transient-errors';
import { continuationName, renewExecutionIfOld } from '../../../lambdas/core/workflow/renewal';
import { readableCause } from '../../../lambdas/core/attention/attention';

const $metadata = {};

describe('transient errors of a step', () => {
  it('names DynamoDB throttling TransientStoreError, keeps conditional failures as they are', () => {
    expect((asStepError(new ProvisionedThroughputExceededException({ $metadata, message: 'slow down' })) as Error).name).toBe('TransientStoreError');
    expect((asStepError(new DynamoDBServiceException({ name: 'ThrottlingException', $fault: 'client', $metadata })) as Error).name).toBe('TransientStoreError');
    const throttled = new TransactionCanceledException({ $metadata, message: 'x', CancellationReasons: [{ Code: 'None' }, { Code: 'ThrottlingError' }] });
    expect((asStepError(throttled) as Error).name).toBe('TransientStoreError');
    const conditional = new TransactionCanceledException({ $metadata, message: 'x', CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'ThrottlingError' }] });
    expect(asStepError(conditional)).toBe(conditional);
  });

  it('names SES throttling TransientEmailError and leaves MessageRejected permanent', () => {
    expect((asStepError(new SESServiceException({ name: 'Throttling', $fault: 'client', $metadata, message: 'Maximum sending rate exceeded' })) as Error).name).toBe('TransientEmailError');
    const rejected = new MessageRejected({ $metadata, message: 'not verified' });
    expect(asStepError(rejected)).toBe(rejected);
  });

  it('names Step Functions throttling TransientWorkflowError; business errors keep their names', () => {
    expect((asStepError(new SFNServiceException({ name: 'ThrottlingException', $fault: 'client', $metadata })) as Error).name).toBe('TransientWorkflowError');
    const cancelled = Object.assign(new Error('cancelled'), { name: 'OrderCancelled' });
    expect(asStepError(cancelled)).toBe(cancelled);
  });
});

describe('continue-as-new', () => {
  it('names continuations', () => {
    expect(continuationName('order-1')).toBe('order-1-continued-2');
    expect(continuationName('order-1-continued-2')).toBe('order-1-continued-3');
    expect(continuationName('x'.repeat(80))).toHaveLength(80);
  });

  it('continues only an execution older than 300 days, without the parent link', async () => {
    const started: unknown[] = [];
    const deps = (now: string) => ({ clock: { now: () => new Date(now) }, executions: { start: async (...args: unknown[]) => (started.push(args), { executionArn: 'new', alreadyStarted: false }) } });
    const input = { stateMachineArn: 'arn:aws:states:r:1:stateMachine:M', executionArn: 'arn:e', executionName: 'invoice-1', startTime: '2026-01-01T00:00:00Z', input: { invoiceId: '1', AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID: 'p', resumeAt: 'W' } };
    expect(await renewExecutionIfOld(deps('2026-10-01T00:00:00Z'), input)).toMatchObject({ continued: false });
    expect(started).toEqual([]);
    expect(await renewExecutionIfOld(deps('2026-11-01T00:00:00Z'), input)).toMatchObject({ continued: true });
    expect(started).toEqual([['arn:aws:states:r:1:stateMachine:M', 'invoice-1-continued-2', { invoiceId: '1', resumeAt: 'W', continuedFrom: 'arn:e' }]]);
  });

  it('reads the Lambda error message out of a cause', () => {
    expect(readableCause('{"errorType":"X","errorMessage":"the ledger is down"}')).toBe('the ledger is down');
    expect(readableCause('plain')).toBe('plain');
  });
});
