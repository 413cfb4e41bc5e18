/**
 * Task tokens and time in the local Step Functions service: `.waitForTaskToken` answered with
 * SendTaskSuccess/SendTaskFailure, token errors, heartbeats, `TimeoutSeconds(Path)` and Wait states
 * decided by the local clock (`clock.advanceTo`), in time order.
 */
import {
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  InvalidToken,
  TaskTimedOut,
  InvalidOutput,
  GetExecutionHistoryCommand,
  DescribeExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import { Harness, waitFor, waitForStatus } from './harness';

let harness: Harness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** The token the `callback` Lambda received in its n-th call (1-based). */
async function tokenOf(h: Harness, call = 1): Promise<string> {
  return waitFor(`callback call ${call}`, () => {
    const payload = h.callsOf('callback')[call - 1]?.payload as { taskToken?: string; nested?: { taskToken?: string } } | undefined;
    return payload?.taskToken ?? payload?.nested?.taskToken;
  });
}

function callbackHarness(): Promise<Harness> {
  return Harness.start({
    machines: ['callback', 'heartbeat', 'timeout', 'waits'],
    lambdas: {
      before: (payload) => ({ reservation: `R-${(payload as { order: string }).order}` }),
      callback: () => ({ accepted: true }),
      after: () => ({ done: true }),
      record: (payload) => payload,
    },
  });
}

describe('waitForTaskToken', () => {
  it('completes the task with the output of SendTaskSuccess (token nested in the Payload)', async () => {
    harness = await callbackHarness();
    const { executionArn } = await harness.client.send(
      new StartExecutionCommand({ stateMachineArn: harness.arn('callback'), input: JSON.stringify({ order: 'A1' }) }),
    );
    const token = await tokenOf(harness);
    expect(token.length).toBeGreaterThan(40);
    expect((await waitForStatus(harness.client, executionArn!, ['RUNNING'])).status).toBe('RUNNING');

    await harness.client.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ shipped: true }) }));
    const result = await waitForStatus(harness.client, executionArn!);
    expect(result.status).toBe('SUCCEEDED');
    expect(JSON.parse(result.output!)).toEqual({
      order: 'A1',
      before: { reservation: 'R-A1' },
      callback: { shipped: true },
      after: { done: true },
    });
    // The token's task is over: a second answer is refused as AWS does.
    await expect(harness.client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }))).rejects.toBeInstanceOf(TaskTimedOut);
  });

  it('fails the task with the error and cause of SendTaskFailure', async () => {
    harness = await callbackHarness();
    const { executionArn } = await harness.client.send(
      new StartExecutionCommand({ stateMachineArn: harness.arn('callback'), input: JSON.stringify({ order: 'A2' }) }),
    );
    const token = await tokenOf(harness);
    await harness.client.send(new SendTaskFailureCommand({ taskToken: token, error: 'ShipmentLost', cause: 'The carrier lost it' }));
    const result = await waitForStatus(harness.client, executionArn!);
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('ShipmentLost');
    expect(result.cause).toBe('The carrier lost it');
    expect(harness.callsOf('after')).toHaveLength(0);
  });

  it('refuses unknown tokens and invalid output, and accepts heartbeats', async () => {
    harness = await callbackHarness();
    await expect(harness.client.send(new SendTaskSuccessCommand({ taskToken: 'not-a-token', output: '{}' }))).rejects.toBeInstanceOf(InvalidToken);
    await expect(harness.client.send(new SendTaskFailureCommand({ taskToken: 'not-a-token' }))).rejects.toBeInstanceOf(InvalidToken);
    await expect(harness.client.send(new SendTaskHeartbeatCommand({ taskToken: 'not-a-token' }))).rejects.toBeInstanceOf(InvalidToken);

    const { executionArn } = await harness.client.send(
      new StartExecutionCommand({ stateMachineArn: harness.arn('heartbeat'), input: JSON.stringify({ heartbeatSeconds: 3600 }) }),
    );
    const token = await tokenOf(harness);
    await expect(harness.client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{not json' }))).rejects.toBeInstanceOf(InvalidOutput);

    // HeartbeatSecondsPath gives 3600: a heartbeat at +50 min moves the deadline, so +100 min is still fine.
    await harness.clock.advanceTo(new Date(harness.clock.nowMs() + 50 * 60_000));
    await harness.client.send(new SendTaskHeartbeatCommand({ taskToken: token }));
    await harness.clock.advanceTo(new Date(harness.clock.nowMs() + 50 * 60_000));
    expect((await waitForStatus(harness.client, executionArn!, ['RUNNING'])).status).toBe('RUNNING');

    // Without another heartbeat, the task fails with States.HeartbeatTimeout an hour after the last one.
    await harness.clock.advanceTo(new Date(harness.clock.nowMs() + 11 * 60_000));
    const result = await waitForStatus(harness.client, executionArn!);
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('States.HeartbeatTimeout');
    await expect(harness.client.send(new SendTaskHeartbeatCommand({ taskToken: token }))).rejects.toBeInstanceOf(TaskTimedOut);
  });
});

describe('task timeouts on the local clock', () => {
  it('fails a waiting task with States.Timeout when the clock passes TimeoutSeconds; States.TaskFailed does not catch it', async () => {
    harness = await callbackHarness();
    const startMs = harness.clock.nowMs();
    const { executionArn } = await harness.client.send(
      new StartExecutionCommand({ stateMachineArn: harness.arn('timeout'), input: JSON.stringify({}) }),
    );
    await tokenOf(harness);
    // Just before the timeout nothing happens.
    await harness.clock.advanceTo(new Date(startMs + 59_000));
    expect((await waitForStatus(harness.client, executionArn!, ['RUNNING'])).status).toBe('RUNNING');

    await harness.clock.advanceTo(new Date(startMs + 61_000));
    const result = await waitForStatus(harness.client, executionArn!);
    expect(result.status).toBe('SUCCEEDED');
    const output = JSON.parse(result.output!) as { outcome: string; error: { Error: string } };
    expect(output.outcome).toBe('timed-out');
    expect(output.error.Error).toBe('States.Timeout');

    const { events } = await harness.client.send(new GetExecutionHistoryCommand({ executionArn: executionArn!, reverseOrder: true }));
    const timedOut = events!.find((e) => e.type === 'TaskTimedOut');
    expect(timedOut?.taskTimedOutEventDetails).toMatchObject({ resourceType: 'lambda', resource: 'invoke.waitForTaskToken', error: 'States.Timeout' });
  });

  it('takes the timeout from TimeoutSecondsPath', async () => {
    harness = await callbackHarness();
    const startMs = harness.clock.nowMs();
    const { executionArn } = await harness.client.send(
      new StartExecutionCommand({ stateMachineArn: harness.arn('timeout'), input: JSON.stringify({ timeoutSeconds: 86_400 }) }),
    );
    await tokenOf(harness);
    await harness.clock.advanceTo(new Date(startMs + 86_399_000));
    expect((await waitForStatus(harness.client, executionArn!, ['RUNNING'])).status).toBe('RUNNING');
    await harness.clock.advanceTo(new Date(startMs + 86_401_000));
    const result = await waitForStatus(harness.client, executionArn!);
    expect((JSON.parse(result.output!) as { outcome: string }).outcome).toBe('timed-out');

    const { events } = await harness.client.send(new GetExecutionHistoryCommand({ executionArn: executionArn! }));
    const scheduled = events!.find((e) => e.type === 'TaskScheduled');
    expect(scheduled?.taskScheduledEventDetails?.timeoutInSeconds).toBe(86_400);
  });

  it('never times out a task without TimeoutSeconds, however far the clock moves', async () => {
    harness = await callbackHarness();
    const { executionArn } = await harness.client.send(
      new StartExecutionCommand({ stateMachineArn: harness.arn('callback'), input: JSON.stringify({ order: 'A4' }) }),
    );
    const token = await tokenOf(harness);
    const startMs = harness.clock.nowMs();
    // Far beyond setTimeout's 2^31-1 ms (24.8 days) and the library's 60 s default.
    await harness.clock.advance('P200D');
    // No timer of the task; only the execution's own year (Step Functions ends an execution after a year).
    expect(harness.clock.pendingTimers().every((t) => t.getTime() >= startMs + 364 * 86_400_000)).toBe(true);
    expect((await waitForStatus(harness.client, executionArn!, ['RUNNING'])).status).toBe('RUNNING');
    await harness.client.send(new SendTaskSuccessCommand({ taskToken: token, output: '"late"' }));
    const result = await waitForStatus(harness.client, executionArn!);
    expect(result.status).toBe('SUCCEEDED');
    expect((JSON.parse(result.output!) as { callback: string }).callback).toBe('late');
  });
});

describe('Wait states on the local clock', () => {
  it('ends Waits (Seconds and TimestampPath) when the clock reaches them, in time order, across one jump', async () => {
    harness = await callbackHarness();
    const startMs = harness.clock.nowMs();
    const start = (label: string, input: Record<string, unknown>) =>
      harness!.client.send(new StartExecutionCommand({ stateMachineArn: harness!.arn('waits'), input: JSON.stringify({ label, ...input }) }));
    const a = await start('A', {}); // Seconds: 100
    const b = await start('B', { until: new Date(startMs + 50_000).toISOString() });
    const c = await start('C', { until: new Date(startMs + 200_000).toISOString() });
    const past = await start('D', { until: new Date(startMs - 1_000).toISOString() });
    expect((await waitForStatus(harness.client, past.executionArn!)).status).toBe('SUCCEEDED');

    await harness.clock.advanceTo(new Date(startMs + 300_000));
    // advanceTo waited for the consequences of each step (busy tracking): no polling needed.
    for (const { executionArn } of [a, b, c]) {
      expect((await harness.client.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('SUCCEEDED');
    }

    const records = harness.callsOf('record').filter((call) => (call.payload as { label: string }).label !== 'D');
    expect(records.map((call) => (call.payload as { label: string }).label)).toEqual(['B', 'A', 'C']);
    const offsets = records.map((call) => Math.round((call.atMs - startMs) / 1000));
    expect(offsets[0]).toBe(50);
    expect(offsets[1]).toBeGreaterThanOrEqual(100);
    expect(offsets[1]).toBeLessThan(102);
    expect(offsets[2]).toBe(200);
    // $$.State.EnteredTime is the local clock at the state's entry.
    const entered = Date.parse((records[0]!.payload as { enteredTime: string }).enteredTime);
    expect(Math.round((entered - startMs) / 1000)).toBe(50);
    const startTime = Date.parse((records[0]!.payload as { startTime: string }).startTime);
    expect(Math.abs(startTime - startMs)).toBeLessThan(1000);
  });
});

describe('execution TimeoutSeconds', () => {
  it('times the execution out on the local clock', async () => {
    harness = await Harness.start({ machines: ['execution-timeout'], lambdas: {} });
    const startMs = harness.clock.nowMs();
    const { executionArn } = await harness.client.send(new StartExecutionCommand({ stateMachineArn: harness.arn('execution-timeout'), input: '{}' }));
    await harness.clock.advanceTo(new Date(startMs + 299_000));
    expect((await harness.client.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('RUNNING');
    await harness.clock.advanceTo(new Date(startMs + 301_000));
    const description = await harness.client.send(new DescribeExecutionCommand({ executionArn }));
    expect(description.status).toBe('TIMED_OUT');
    expect(description.error).toBe('States.Timeout');
    const { events } = await harness.client.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 1 }));
    expect(events![0]!.type).toBe('ExecutionTimedOut');
    // The Wait's own timer was cancelled with the execution.
    expect(harness.clock.pendingTimers()).toEqual([]);
  });
});
