/**
 * Task resources of the local Step Functions service, driven through @aws-sdk/client-sfn over HTTP:
 * lambda:invoke and plain Lambda ARNs, errors with Catch, Retry counts, DynamoDB direct
 * integration, Map and Parallel with tasks, nested `.sync:2` executions.
 */
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { ACCOUNT, Harness, REGION, waitFor, waitForStatus } from './harness';

class OrderNotFound extends Error {
  override name = 'OrderNotFound';
}
class TransientError extends Error {
  override name = 'TransientError';
}

let harness: Harness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function run(h: Harness, machine: string, input: unknown, name?: string) {
  const { executionArn } = await h.client.send(
    new StartExecutionCommand({ stateMachineArn: h.arn(machine), input: JSON.stringify(input), ...(name ? { name } : {}) }),
  );
  return waitForStatus(h.client, executionArn!);
}

describe('lambda tasks', () => {
  it('returns the lambda:invoke result shape and passes a plain Lambda ARN the payload', async () => {
    harness = await Harness.start({
      machines: ['invoke-and-catch'],
      lambdas: {
        lookup: (payload) => ({ found: true, echo: payload }),
        plain: (payload) => ({ plainGot: payload }),
      },
    });
    const result = await run(harness, 'invoke-and-catch', { orderId: 'o-1' }, 'first');
    expect(result.status).toBe('SUCCEEDED');
    const output = JSON.parse(result.output!) as Record<string, unknown>;
    const echo = { orderId: 'o-1', executionName: 'first', stateName: 'Invoke' };
    expect(output['invoke']).toEqual({ ExecutedVersion: '$LATEST', Payload: { found: true, echo }, StatusCode: 200 });
    expect(output['plain']).toEqual({ plainGot: { found: true, echo } });
    expect(harness.callsOf('lookup')[0]?.payload).toEqual(echo);
  });

  it('turns a thrown error into the state error named by its name, caught by Catch', async () => {
    harness = await Harness.start({
      machines: ['invoke-and-catch'],
      lambdas: {
        lookup: () => {
          throw new OrderNotFound('No order o-2');
        },
        plain: () => ({}),
      },
    });
    const result = await run(harness, 'invoke-and-catch', { orderId: 'o-2' });
    expect(result.status).toBe('SUCCEEDED');
    const output = JSON.parse(result.output!) as Record<string, unknown>;
    expect(output['outcome']).toBe('not-found');
    expect(output['error']).toEqual({
      Error: 'OrderNotFound',
      Cause: JSON.stringify({ errorType: 'OrderNotFound', errorMessage: 'No order o-2' }),
    });
    expect(harness.callsOf('plain')).toHaveLength(0);
  });

  it('fails the execution with the error and cause when nothing catches it', async () => {
    harness = await Harness.start({
      machines: ['invoke-and-catch'],
      lambdas: {
        lookup: () => {
          throw new TypeError('boom');
        },
        plain: () => ({}),
      },
    });
    const result = await run(harness, 'invoke-and-catch', { orderId: 'o-3' });
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('TypeError');
    expect(JSON.parse(result.cause!)).toEqual({ errorType: 'TypeError', errorMessage: 'boom' });
  });

  it('retries as many times as Retry says, then catches', async () => {
    let attempts = 0;
    harness = await Harness.start({
      machines: ['retry'],
      lambdas: {
        flaky: (payload) => {
          attempts++;
          const { failures, kind } = payload as { failures: number; kind: string };
          if (attempts <= failures) throw kind === 'transient' ? new TransientError(`attempt ${attempts}`) : new Error(`attempt ${attempts}`);
          return { attempt: attempts };
        },
      },
    });
    // Two TransientErrors are retried (MaxAttempts 2): the third attempt succeeds.
    let result = await run(harness, 'retry', { failures: 2, kind: 'transient' });
    expect(result.status).toBe('SUCCEEDED');
    expect(JSON.parse(result.output!)).toEqual({ attempt: 3 });

    // Always failing: 1 attempt + 2 retries, then Catch.
    attempts = 0;
    result = await run(harness, 'retry', { failures: 100, kind: 'transient' });
    expect(attempts).toBe(3);
    expect(JSON.parse(result.output!)).toMatchObject({ error: { Error: 'TransientError' } });

    // Another error: the States.ALL retrier allows 1 retry.
    attempts = 0;
    result = await run(harness, 'retry', { failures: 100, kind: 'other' });
    expect(attempts).toBe(2);
    expect(JSON.parse(result.output!)).toMatchObject({ error: { Error: 'Error' } });
  });

  it('fails clearly on a resource it does not run', async () => {
    harness = await Harness.start({ machines: ['unsupported'], lambdas: {} });
    const result = await run(harness, 'unsupported', {});
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('States.Runtime');
    expect(result.cause).toContain('arn:aws:states:::sqs:sendMessage');
    expect(result.cause).toContain('not supported by the local Step Functions service');
  });
});

describe('DynamoDB direct integration', () => {
  it('sends the low-level command and maps ConditionalCheckFailed to DynamoDB.ConditionalCheckFailedException', async () => {
    const dynamodb = new DynamoDBClient({ region: REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const mock = mockClient(dynamodb);
    mock.on(PutItemCommand).resolvesOnce({}).rejectsOnce(
      new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: { httpStatusCode: 400, requestId: 'req-1' } }),
    );
    mock.on(GetItemCommand).resolves({ Item: { pk: { S: 'p-1' }, amount: { N: '125' } } });
    harness = await Harness.start({ machines: ['dynamodb'], lambdas: {}, dynamodb });

    const first = await run(harness, 'dynamodb', { id: 'p-1', amount: 125 });
    expect([first.status, first.error, first.cause]).toEqual(['SUCCEEDED', undefined, undefined]);
    expect(JSON.parse(first.output!)).toEqual({ id: 'p-1', amount: 125, stored: { amount: '125' } });
    expect(mock.commandCalls(PutItemCommand)[0]?.args[0].input).toEqual({
      TableName: 'payments',
      Item: { pk: { S: 'p-1' }, amount: { N: '125' } },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    expect(mock.commandCalls(GetItemCommand)[0]?.args[0].input).toEqual({ TableName: 'payments', Key: { pk: { S: 'p-1' } } });

    const duplicate = await run(harness, 'dynamodb', { id: 'p-1', amount: 125 });
    expect(duplicate.status).toBe('SUCCEEDED');
    const error = (JSON.parse(duplicate.output!) as { error: { Error: string; Cause: string } }).error;
    expect(error.Error).toBe('DynamoDB.ConditionalCheckFailedException');
    expect(error.Cause).toContain('The conditional request failed');
    expect(error.Cause).toContain('Error Code: ConditionalCheckFailedException');
    expect(mock.commandCalls(GetItemCommand)).toHaveLength(1);
  });
});

describe('DynamoDB through the AWS SDK integration and deleteItem', () => {
  it('queries with aws-sdk:dynamodb:query (SDK output shape) and maps deleteItem errors', async () => {
    const dynamodb = new DynamoDBClient({ region: REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const mock = mockClient(dynamodb);
    mock.on(QueryCommand).resolves({ Count: 1, ScannedCount: 1, Items: [{ pk: { S: 'p-2' } }] });
    mock.on(DeleteItemCommand).resolvesOnce({}).rejectsOnce(new ResourceNotFoundException({ message: 'Requested resource not found', $metadata: {} }));
    harness = await Harness.start({ machines: ['dynamodb-more'], lambdas: {}, dynamodb });

    const first = await run(harness, 'dynamodb-more', { id: 'p-2' });
    expect(JSON.parse(first.output!)).toEqual({ id: 'p-2', found: { count: 1 }, removed: { status: 200 } });
    expect(mock.commandCalls(QueryCommand)[0]?.args[0].input).toEqual({
      TableName: 'payments',
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: 'p-2' } },
    });
    const second = await run(harness, 'dynamodb-more', { id: 'p-2' });
    expect((JSON.parse(second.output!) as { error: { Error: string } }).error.Error).toBe('DynamoDB.ResourceNotFoundException');
  });
});

describe('Map and Parallel', () => {
  it('runs tasks inside Map iterations and Parallel branches', async () => {
    harness = await Harness.start({
      machines: ['map-parallel'],
      lambdas: {
        double: (payload) => {
          const { value, index, label } = payload as { value: number; index: number; label: string };
          return { value: value * 2, index, label };
        },
        sum: (payload) => {
          const { items, execution } = payload as { items: number[]; execution: string };
          return { total: items.reduce((a, b) => a + b, 0), execution };
        },
      },
    });
    const result = await run(harness, 'map-parallel', { items: [1, 2, 3, 4], label: 'batch' }, 'mp-1');
    expect(result.status).toBe('SUCCEEDED');
    expect(JSON.parse(result.output!)).toEqual({
      doubled: [
        { doubled: 2, index: 0, label: 'batch' },
        { doubled: 4, index: 1, label: 'batch' },
        { doubled: 6, index: 2, label: 'batch' },
        { doubled: 8, index: 3, label: 'batch' },
      ],
      sum: { total: 10, execution: 'mp-1' },
    });
    expect(harness.callsOf('double')).toHaveLength(4);

    const { events } = await harness.client.send(new GetExecutionHistoryCommand({ executionArn: result.executionArn!, maxResults: 1000 }));
    const types = events!.map((e) => e.type);
    expect(types).toContain('ParallelStateEntered');
    expect(types).toContain('MapStateEntered');
    expect(types.filter((t) => t === 'MapIterationSucceeded')).toHaveLength(4);
    expect(types.filter((t) => t === 'TaskSucceeded')).toHaveLength(4);
    expect(types.filter((t) => t === 'LambdaFunctionSucceeded')).toHaveLength(1);
  });
});

describe('nested executions', () => {
  it('runs a child with states:startExecution.sync:2 and returns its parsed output; a failed child fails the task', async () => {
    harness = await Harness.start({
      machines: ['nested-parent', 'nested-child'],
      lambdas: { double: (payload) => ({ doubled: (payload as { value: number }).value * 2 }) },
    });
    const ok = await run(harness, 'nested-parent', { value: 21 }, 'parent-ok');
    expect(ok.status).toBe('SUCCEEDED');
    const output = JSON.parse(ok.output!) as { childOutput: unknown; status: string; childArn: string };
    expect(output.childOutput).toEqual({ doubled: 42 });
    expect(output.status).toBe('SUCCEEDED');
    expect(output.childArn).toMatch(new RegExp(`^arn:aws:states:${REGION}:${ACCOUNT}:execution:nested-child:`));
    const child = await waitForStatus(harness.client, output.childArn);
    expect(JSON.parse(child.input!)).toEqual({ value: 21, AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID: ok.executionArn });

    const failed = await run(harness, 'nested-parent', { value: -1 }, 'parent-failed');
    expect(failed.status).toBe('SUCCEEDED');
    const error = (JSON.parse(failed.output!) as { error: { Error: string; Cause: string } }).error;
    expect(error.Error).toBe('States.TaskFailed');
    expect(JSON.parse(error.Cause)).toMatchObject({ Status: 'FAILED', Error: 'NegativeValue', Cause: 'The value must not be negative' });
  });
});

describe('states:startExecution request-response and .waitForTaskToken', () => {
  it('starts a child and returns its ARN; waits for the token given to a child', async () => {
    harness = await Harness.start({ machines: ['nested-token-parent', 'echo-child'], lambdas: {} });
    const { executionArn } = await harness.client.send(
      new StartExecutionCommand({ stateMachineArn: harness.arn('nested-token-parent'), name: 'p', input: '{}' }),
    );
    const children = await waitFor('two child executions', async () => {
      const { executions } = await harness!.client.send(new ListExecutionsCommand({ stateMachineArn: harness!.arn('echo-child') }));
      return executions && executions.length === 2 ? executions : undefined;
    });
    const fired = children.find((child) => child.name === 'p-fire');
    expect(fired).toBeDefined();
    const waiting = children.find((child) => child.name !== 'p-fire')!;
    const childInput = JSON.parse((await harness.client.send(new DescribeExecutionCommand({ executionArn: waiting.executionArn }))).input!) as {
      parentToken: string;
      retries: number;
    };
    expect(childInput.retries).toBe(0);
    expect((await waitForStatus(harness.client, executionArn!, ['RUNNING'])).status).toBe('RUNNING');
    await harness.client.send(new SendTaskSuccessCommand({ taskToken: childInput.parentToken, output: JSON.stringify({ from: 'child' }) }));
    const result = await waitForStatus(harness.client, executionArn!);
    const output = JSON.parse(result.output!) as { fired: { ExecutionArn: string; StartDate: number }; answer: unknown };
    expect(output.fired.ExecutionArn).toBe(fired!.executionArn);
    expect(output.fired.StartDate).toBe(fired!.startDate!.getTime());
    expect(output.answer).toEqual({ from: 'child' });
  });
});

describe('context object', () => {
  it('gives $$.State, $$.Execution and $$.StateMachine from the local clock in Pass and Task states', async () => {
    harness = await Harness.start({ machines: ['context'], lambdas: { echo: (payload) => payload } });
    await harness.clock.advanceTo(new Date(harness.clock.nowMs() + 86_400_000));
    const startMs = harness.clock.nowMs();
    const result = await run(harness, 'context', { who: 'Ada' }, 'ctx-1');
    expect(result.status).toBe('SUCCEEDED');
    const output = JSON.parse(result.output!) as {
      stamp: Record<string, string>;
      static: Record<string, unknown>;
      task: { context: { Execution: Record<string, unknown>; State: Record<string, unknown>; StateMachine: Record<string, unknown> } };
    };
    expect(Math.abs(Date.parse(output.stamp['enteredTime']!) - startMs)).toBeLessThan(1000);
    expect(output.stamp).toMatchObject({
      stateName: 'Stamp',
      greeting: 'Ada in Stamp',
      executionId: result.executionArn,
      machine: 'context',
    });
    expect(output.static).toEqual({ input: { who: 'Ada' }, name: 'ctx-1' });
    const context = output.task.context;
    expect(context.Execution).toMatchObject({ Id: result.executionArn, Name: 'ctx-1', Input: { who: 'Ada' } });
    expect(Math.abs(Date.parse(context.Execution['StartTime'] as string) - startMs)).toBeLessThan(1000);
    expect(context.State).toMatchObject({ Name: 'WholeContext', RetryCount: 0 });
    expect(context.StateMachine).toEqual({ Id: harness.arn('context'), Name: 'context' });
  });
});
