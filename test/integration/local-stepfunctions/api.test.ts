/**
 * The Step Functions API of the local service over HTTP: StartExecution names and idempotency,
 * DescribeExecution, ListExecutions, GetExecutionHistory (shape, paging, order), StopExecution,
 * the state machine actions, and the API errors as the SDK's exception classes.
 */
import {
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  DescribeStateMachineForExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  InvalidArn,
  InvalidExecutionInput,
  InvalidName,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  StateMachineDoesNotExist,
  StopExecutionCommand,
  TaskTimedOut,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import { StepFunctionsError } from '../../../local-aws/stepfunctions/errors';
import { ACCOUNT, Harness, REGION, fixture, waitFor, waitForStatus } from './harness';

let harness: Harness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

function apiHarness(): Promise<Harness> {
  return Harness.start({
    machines: ['callback', 'invoke-and-catch', 'waits'],
    lambdas: {
      before: () => ({ reservation: 'R' }),
      callback: () => ({ accepted: true }),
      after: () => ({ done: true }),
      lookup: (payload) => ({ found: true, payload }),
      plain: () => ({ ok: true }),
      record: (payload) => payload,
    },
  });
}

async function tokenOf(h: Harness, call = 1): Promise<string> {
  return waitFor('callback token', () => (h.callsOf('callback')[call - 1]?.payload as { nested?: { taskToken?: string } } | undefined)?.nested?.taskToken);
}

describe('StartExecution', () => {
  it('is idempotent by name while the execution runs with the same input', async () => {
    harness = await apiHarness();
    const request = { stateMachineArn: harness.arn('callback'), name: 'order-42', input: JSON.stringify({ order: '42' }) };
    const first = await harness.client.send(new StartExecutionCommand(request));
    expect(first.executionArn).toBe(`arn:aws:states:${REGION}:${ACCOUNT}:execution:callback:order-42`);
    expect(first.startDate).toBeInstanceOf(Date);
    const again = await harness.client.send(new StartExecutionCommand(request));
    expect(again.executionArn).toBe(first.executionArn);
    expect(again.startDate?.getTime()).toBe(first.startDate?.getTime());
    await expect(harness.client.send(new StartExecutionCommand({ ...request, input: JSON.stringify({ order: 'other' }) }))).rejects.toBeInstanceOf(
      ExecutionAlreadyExists,
    );
    expect(harness.callsOf('before')).toHaveLength(1);

    // Once closed, the same name is taken even with the same input.
    await harness.client.send(new SendTaskSuccessCommand({ taskToken: await tokenOf(harness), output: '{}' }));
    await waitForStatus(harness.client, first.executionArn!);
    await expect(harness.client.send(new StartExecutionCommand(request))).rejects.toBeInstanceOf(ExecutionAlreadyExists);
  });

  it('names executions with a UUID by default and refuses invalid names, inputs and machines', async () => {
    harness = await apiHarness();
    const started = await harness.client.send(new StartExecutionCommand({ stateMachineArn: harness.arn('invoke-and-catch'), input: '{"orderId":"1"}' }));
    expect(started.executionArn).toMatch(/:execution:invoke-and-catch:[0-9a-f-]{36}$/);
    await expect(
      harness.client.send(new StartExecutionCommand({ stateMachineArn: harness.arn('invoke-and-catch'), name: 'has space' })),
    ).rejects.toBeInstanceOf(InvalidName);
    await expect(
      harness.client.send(new StartExecutionCommand({ stateMachineArn: harness.arn('invoke-and-catch'), name: 'x'.repeat(81) })),
    ).rejects.toBeInstanceOf(InvalidName);
    await expect(
      harness.client.send(new StartExecutionCommand({ stateMachineArn: harness.arn('invoke-and-catch'), input: '{oops' })),
    ).rejects.toBeInstanceOf(InvalidExecutionInput);
    await expect(harness.client.send(new StartExecutionCommand({ stateMachineArn: harness.arn('nope') }))).rejects.toBeInstanceOf(
      StateMachineDoesNotExist,
    );
    await expect(harness.client.send(new StartExecutionCommand({ stateMachineArn: 'not-an-arn' }))).rejects.toBeInstanceOf(InvalidArn);
    await expect(
      harness.client.send(new DescribeExecutionCommand({ executionArn: `arn:aws:states:${REGION}:${ACCOUNT}:execution:callback:missing` })),
    ).rejects.toBeInstanceOf(ExecutionDoesNotExist);
  });

  it('answers the in-process handle() with the wire shapes and typed errors', async () => {
    harness = await apiHarness();
    const started = (await harness.service.handle('StartExecution', {
      stateMachineArn: harness.arn('invoke-and-catch'),
      name: 'in-process',
      input: '{"orderId":"9"}',
    })) as { executionArn: string; startDate: number };
    expect(typeof started.startDate).toBe('number');
    expect(started.startDate).toBeCloseTo(harness.clock.nowMs() / 1000, -1);
    await waitForStatus(harness.client, started.executionArn);
    const description = (await harness.service.handle('DescribeExecution', { executionArn: started.executionArn })) as { status: string };
    expect(description.status).toBe('SUCCEEDED');
    const error = await harness.service.handle('DescribeExecution', { executionArn: `${started.executionArn}-x` }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StepFunctionsError);
    expect((error as StepFunctionsError).type).toBe('ExecutionDoesNotExist');
  });
});

describe('DescribeExecution and ListExecutions', () => {
  it('describes and lists executions newest first, with status filter and paging', async () => {
    harness = await apiHarness();
    const arns: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { executionArn } = await harness.client.send(
        new StartExecutionCommand({ stateMachineArn: harness.arn('invoke-and-catch'), name: `run-${i}`, input: JSON.stringify({ orderId: `${i}` }) }),
      );
      await waitForStatus(harness.client, executionArn!);
      arns.push(executionArn!);
      await harness.clock.advanceTo(new Date(harness.clock.nowMs() + 1000));
    }
    const running = await harness.client.send(
      new StartExecutionCommand({ stateMachineArn: harness.arn('callback'), name: 'waiting', input: JSON.stringify({ order: 'w' }) }),
    );

    const description = await harness.client.send(new DescribeExecutionCommand({ executionArn: arns[0] }));
    expect(description).toMatchObject({
      executionArn: arns[0],
      stateMachineArn: harness.arn('invoke-and-catch'),
      name: 'run-0',
      status: 'SUCCEEDED',
      input: JSON.stringify({ orderId: '0' }),
    });
    expect(description.startDate).toBeInstanceOf(Date);
    expect(description.stopDate!.getTime()).toBeGreaterThanOrEqual(description.startDate!.getTime());
    expect(JSON.parse(description.output!)).toMatchObject({ orderId: '0', plain: { ok: true } });

    const page1 = await harness.client.send(new ListExecutionsCommand({ stateMachineArn: harness.arn('invoke-and-catch'), maxResults: 2 }));
    expect(page1.executions!.map((e) => e.name)).toEqual(['run-2', 'run-1']);
    expect(page1.nextToken).toBeDefined();
    const page2 = await harness.client.send(
      new ListExecutionsCommand({ stateMachineArn: harness.arn('invoke-and-catch'), maxResults: 2, nextToken: page1.nextToken }),
    );
    expect(page2.executions!.map((e) => e.name)).toEqual(['run-0']);
    expect(page2.nextToken).toBeUndefined();

    const runningOnly = await harness.client.send(new ListExecutionsCommand({ stateMachineArn: harness.arn('callback'), statusFilter: 'RUNNING' }));
    expect(runningOnly.executions).toHaveLength(1);
    expect(runningOnly.executions![0]).toMatchObject({ executionArn: running.executionArn, status: 'RUNNING' });
    expect(runningOnly.executions![0]!.stopDate).toBeUndefined();
  });
});

describe('GetExecutionHistory', () => {
  it('returns events in the AWS shape, with paging, reverse order and without execution data on request', async () => {
    harness = await apiHarness();
    const { executionArn } = await harness.client.send(
      new StartExecutionCommand({ stateMachineArn: harness.arn('callback'), name: 'history', input: JSON.stringify({ order: 'H' }) }),
    );
    const token = await tokenOf(harness);
    await harness.client.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ ok: 1 }) }));
    await waitForStatus(harness.client, executionArn!);

    const { events } = await harness.client.send(new GetExecutionHistoryCommand({ executionArn }));
    expect(events!.map((e) => e.type)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSubmitted',
      'TaskSucceeded',
      'TaskStateExited',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    events!.forEach((event, index) => {
      expect(event.id).toBe(index + 1);
      expect(event.previousEventId).toBe(index);
      expect(event.timestamp).toBeInstanceOf(Date);
    });
    const [started, entered, scheduled] = events as [HistoryEvent, HistoryEvent, HistoryEvent];
    expect(started.executionStartedEventDetails).toEqual({
      input: JSON.stringify({ order: 'H' }),
      inputDetails: { truncated: false },
      roleArn: `arn:aws:iam::${ACCOUNT}:role/callback-role`,
    });
    expect(entered.stateEnteredEventDetails).toEqual({ name: 'Before', input: JSON.stringify({ order: 'H' }), inputDetails: { truncated: false } });
    expect(scheduled.taskScheduledEventDetails).toEqual({
      resourceType: 'lambda',
      resource: 'invoke',
      region: REGION,
      parameters: JSON.stringify({ FunctionName: 'before', Payload: { order: 'H' } }),
    });
    const callbackScheduled = events![7]!.taskScheduledEventDetails!;
    expect(callbackScheduled.resource).toBe('invoke.waitForTaskToken');
    expect(JSON.parse(callbackScheduled.parameters!)).toEqual({ FunctionName: 'callback', Payload: { order: 'H', nested: { taskToken: token } } });
    expect(events![9]!.taskSubmittedEventDetails).toMatchObject({ resourceType: 'lambda', resource: 'invoke.waitForTaskToken' });
    expect(JSON.parse(events![10]!.taskSucceededEventDetails!.output!)).toEqual({ ok: 1 });
    expect(events![11]!.stateExitedEventDetails!.name).toBe('AwaitCallback');
    expect(JSON.parse(events![17]!.executionSucceededEventDetails!.output!)).toMatchObject({ callback: { ok: 1 }, after: { done: true } });

    const reversed = await harness.client.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 5 }));
    expect(reversed.events!.map((e) => e.id)).toEqual([18, 17, 16, 15, 14]);
    const next = await harness.client.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 5, nextToken: reversed.nextToken }));
    expect(next.events!.map((e) => e.id)).toEqual([13, 12, 11, 10, 9]);

    const withoutData = await harness.client.send(new GetExecutionHistoryCommand({ executionArn, includeExecutionData: false }));
    expect(withoutData.events![0]!.executionStartedEventDetails).toEqual({ roleArn: `arn:aws:iam::${ACCOUNT}:role/callback-role` });
    expect(withoutData.events![1]!.stateEnteredEventDetails).toEqual({ name: 'Before' });
  });

  it('records Choice, Wait, Pass and Succeed states, Lambda function events and failures', async () => {
    harness = await apiHarness();
    const waits = await harness.client.send(
      new StartExecutionCommand({ stateMachineArn: harness.arn('waits'), input: JSON.stringify({ label: 'x', until: '2000-01-01T00:00:00Z' }) }),
    );
    await waitForStatus(harness.client, waits.executionArn!);
    let { events } = await harness.client.send(new GetExecutionHistoryCommand({ executionArn: waits.executionArn }));
    expect(events!.map((e) => e.type)).toEqual([
      'ExecutionStarted',
      'ChoiceStateEntered',
      'ChoiceStateExited',
      'WaitStateEntered',
      'WaitStateExited',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);

    // A plain Lambda ARN resource gives LambdaFunction* events; a Succeed state Entered/Exited.
    const ok = await harness.client.send(new StartExecutionCommand({ stateMachineArn: harness.arn('invoke-and-catch'), input: '{"orderId":"1"}' }));
    await waitForStatus(harness.client, ok.executionArn!);
    ({ events } = await harness.client.send(new GetExecutionHistoryCommand({ executionArn: ok.executionArn })));
    expect(events!.map((e) => e.type).slice(6)).toEqual([
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
      'TaskStateExited',
      'SucceedStateEntered',
      'SucceedStateExited',
      'ExecutionSucceeded',
    ]);
    expect(events![7]!.lambdaFunctionScheduledEventDetails).toMatchObject({ resource: 'arn:aws:lambda:eu-west-1:000000000000:function:plain' });

    // A caught error: TaskFailed, the state exits to the Catch target (a Pass state).
    const lookupFails = await Harness.start({
      machines: ['invoke-and-catch'],
      lambdas: {
        lookup: () => {
          throw Object.assign(new Error('gone'), { name: 'OrderNotFound' });
        },
      },
    });
    try {
      const caught = await lookupFails.client.send(new StartExecutionCommand({ stateMachineArn: lookupFails.arn('invoke-and-catch'), input: '{"orderId":"2"}' }));
      await waitForStatus(lookupFails.client, caught.executionArn!);
      ({ events } = await lookupFails.client.send(new GetExecutionHistoryCommand({ executionArn: caught.executionArn })));
      expect(events!.map((e) => e.type)).toEqual([
        'ExecutionStarted',
        'TaskStateEntered',
        'TaskScheduled',
        'TaskStarted',
        'TaskFailed',
        'TaskStateExited',
        'PassStateEntered',
        'PassStateExited',
        'ExecutionSucceeded',
      ]);
      expect(events![4]!.taskFailedEventDetails).toEqual({
        resourceType: 'lambda',
        resource: 'invoke',
        error: 'OrderNotFound',
        cause: JSON.stringify({ errorType: 'OrderNotFound', errorMessage: 'gone' }),
      });
    } finally {
      await lookupFails.close();
    }
  });
});

describe('StopExecution', () => {
  it('aborts a running execution; its token is then refused', async () => {
    harness = await apiHarness();
    const { executionArn } = await harness.client.send(
      new StartExecutionCommand({ stateMachineArn: harness.arn('callback'), input: JSON.stringify({ order: 'S' }) }),
    );
    const token = await tokenOf(harness);
    const stopped = await harness.client.send(new StopExecutionCommand({ executionArn, error: 'Cancelled', cause: 'by the test' }));
    expect(stopped.stopDate).toBeInstanceOf(Date);
    const description = await harness.client.send(new DescribeExecutionCommand({ executionArn }));
    expect(description).toMatchObject({ status: 'ABORTED', error: 'Cancelled', cause: 'by the test' });
    await expect(harness.client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }))).rejects.toBeInstanceOf(TaskTimedOut);
    const { events } = await harness.client.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 1 }));
    expect(events![0]).toMatchObject({ type: 'ExecutionAborted', executionAbortedEventDetails: { error: 'Cancelled', cause: 'by the test' } });
    expect(harness.callsOf('after')).toHaveLength(0);
  });
});

describe('state machines', () => {
  it('lists and describes the state machines with their definitions', async () => {
    harness = await apiHarness();
    const { stateMachines } = await harness.client.send(new ListStateMachinesCommand({}));
    expect(stateMachines!.map((m) => m.name)).toEqual(['callback', 'invoke-and-catch', 'waits']);
    expect(stateMachines![0]).toMatchObject({ stateMachineArn: harness.arn('callback'), type: 'STANDARD' });
    expect(stateMachines![0]!.creationDate).toBeInstanceOf(Date);

    const description = await harness.client.send(new DescribeStateMachineCommand({ stateMachineArn: harness.arn('waits') }));
    expect(description).toMatchObject({ name: 'waits', status: 'ACTIVE', type: 'STANDARD', roleArn: `arn:aws:iam::${ACCOUNT}:role/waits-role` });
    expect(JSON.parse(description.definition!)).toEqual(fixture('waits'));

    const { executionArn } = await harness.client.send(
      new StartExecutionCommand({ stateMachineArn: harness.arn('invoke-and-catch'), input: '{"orderId":"d"}' }),
    );
    const forExecution = await harness.client.send(new DescribeStateMachineForExecutionCommand({ executionArn }));
    expect(forExecution.stateMachineArn).toBe(harness.arn('invoke-and-catch'));
    expect(JSON.parse(forExecution.definition!)).toEqual(fixture('invoke-and-catch'));
    await expect(harness.client.send(new DescribeStateMachineCommand({ stateMachineArn: harness.arn('nope') }))).rejects.toBeInstanceOf(
      StateMachineDoesNotExist,
    );
  });
});
