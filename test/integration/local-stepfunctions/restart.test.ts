/**
 * Durability of the local Step Functions service: executions waiting on a task token, a Wait
 * state, a task timeout or a child execution survive a restart of the service on the same dataDir,
 * resume where they were (journal replay: earlier Lambdas are not called again, tokens stay valid,
 * deadlines stay the same) and the history reads as one run.
 */
import {
  GetExecutionHistoryCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import { Harness, waitFor, waitForStatus } from './harness';

let harness: Harness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

let reservations = 0;

function restartHarness(): Promise<Harness> {
  reservations = 0;
  return Harness.start({
    machines: ['callback', 'restart-wait', 'timeout', 'nested-parent', 'nested-child', 'nested-callback-parent', 'map-callback'],
    lambdas: {
      // A different answer on every call: a second call would show in the output.
      before: (payload) => ({ reservation: `R-${(payload as { order: string }).order}-${++reservations}` }),
      callback: () => ({ accepted: true }),
      after: (payload) => ({ done: true, saw: payload }),
      double: (payload) => {
        const { value, index, label } = payload as { value: number; index?: number; label?: string };
        return { value: value * 2, index, label, doubled: value * 2 };
      },
      sum: (payload) => ({ total: (payload as { items: number[] }).items.reduce((a, b) => a + b, 0) }),
    },
  });
}

async function history(h: Harness, executionArn: string): Promise<HistoryEvent[]> {
  const { events } = await h.client.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
  return events!;
}

function expectOneRun(events: HistoryEvent[]): void {
  events.forEach((event, index) => expect(event.id).toBe(index + 1));
  expect(events.filter((e) => e.type === 'ExecutionStarted')).toHaveLength(1);
  const entered = events.filter((e) => e.type?.endsWith('StateEntered')).map((e) => e.stateEnteredEventDetails!.name);
  expect(new Set(entered).size).toBe(entered.length);
}

describe('restart', () => {
  it('resumes an execution waiting on a task token: same token, earlier results replayed, no second Lambda call', async () => {
    harness = await restartHarness();
    const { executionArn } = await harness.client.send(
      new StartExecutionCommand({ stateMachineArn: harness.arn('callback'), name: 'survives', input: JSON.stringify({ order: 'Z9' }) }),
    );
    const token = await waitFor('the callback token', () => (harness!.callsOf('callback')[0]?.payload as { nested?: { taskToken?: string } } | undefined)?.nested?.taskToken);
    await harness.clock.whenIdle();

    await harness.restart();
    expect(harness.logs.some((line) => line.includes('Resuming') && line.includes('survives'))).toBe(true);
    expect((await waitForStatus(harness.client, executionArn!, ['RUNNING'])).status).toBe('RUNNING');

    await harness.client.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ shipped: 'yes' }) }));
    const result = await waitForStatus(harness.client, executionArn!);
    expect(result.status).toBe('SUCCEEDED');
    expect(JSON.parse(result.output!)).toMatchObject({
      order: 'Z9',
      before: { reservation: 'R-Z9-1' },
      callback: { shipped: 'yes' },
      after: { done: true },
    });
    expect(harness.callsOf('before')).toHaveLength(1);
    expect(harness.callsOf('callback')).toHaveLength(1);
    expect(harness.callsOf('after')).toHaveLength(1);

    const events = await history(harness, executionArn!);
    expectOneRun(events);
    expect(events.filter((e) => e.type === 'TaskScheduled')).toHaveLength(3);
    expect(events.at(-1)!.type).toBe('ExecutionSucceeded');
  });

  it('resumes an execution in a Wait state: it ends at its original time, and earlier Lambdas are not called again', async () => {
    harness = await restartHarness();
    const startMs = harness.clock.nowMs();
    const { executionArn } = await harness.client.send(
      new StartExecutionCommand({ stateMachineArn: harness.arn('restart-wait'), input: JSON.stringify({ order: 'W1' }) }),
    );
    // The Wait's timer at its original time (next to the timer of the execution's one-year limit).
    const waitTimer = () => (harness!.clock.pendingTimers().some((t) => Math.abs(t.getTime() - (startMs + 3_600_000)) < 1000) ? true : undefined);
    await waitFor('the Wait timer', waitTimer);
    await harness.restart();
    await waitFor('the resumed Wait timer', waitTimer);
    expect(harness.clock.pendingTimers().filter((t) => t.getTime() < startMs + 300 * 86_400_000)).toHaveLength(1);

    await harness.clock.advanceTo(new Date(startMs + 3_599_000));
    expect((await waitForStatus(harness.client, executionArn!, ['RUNNING'])).status).toBe('RUNNING');
    await harness.clock.advanceTo(new Date(startMs + 3_601_000));
    const result = await waitForStatus(harness.client, executionArn!);
    expect(result.status).toBe('SUCCEEDED');
    expect(JSON.parse(result.output!)).toMatchObject({ before: { reservation: 'R-W1-1' }, after: { done: true } });
    expect(harness.callsOf('before')).toHaveLength(1);
    expect(harness.callsOf('after')).toHaveLength(1);
    expect(harness.callsOf('after')[0]!.atMs - startMs).toBeGreaterThanOrEqual(3_600_000);
    expectOneRun(await history(harness, executionArn!));
  });

  it('keeps a task timeout across a restart and fires it when the clock passes it', async () => {
    harness = await restartHarness();
    const startMs = harness.clock.nowMs();
    const { executionArn } = await harness.client.send(new StartExecutionCommand({ stateMachineArn: harness.arn('timeout'), input: '{}' }));
    await waitFor('the callback call', () => harness!.callsOf('callback')[0]);
    await harness.clock.whenIdle();
    await harness.restart();
    await harness.clock.advanceTo(new Date(startMs + 61_000));
    const result = await waitForStatus(harness.client, executionArn!);
    expect((JSON.parse(result.output!) as { outcome: string }).outcome).toBe('timed-out');
    expect(harness.callsOf('callback')).toHaveLength(1);
  });

  it('re-attaches a .sync:2 parent to its child that waits on a token', async () => {
    harness = await restartHarness();
    const parent = await harness.client.send(
      new StartExecutionCommand({ stateMachineArn: harness.arn('nested-callback-parent'), name: 'parent', input: JSON.stringify({ order: 'P1' }) }),
    );
    const token = await waitFor('the child callback token', () => (harness!.callsOf('callback')[0]?.payload as { nested?: { taskToken?: string } } | undefined)?.nested?.taskToken);
    await harness.clock.whenIdle();
    await harness.restart();
    expect((await waitForStatus(harness.client, parent.executionArn!, ['RUNNING'])).status).toBe('RUNNING');
    await harness.client.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ child: 'answered' }) }));
    const result = await waitForStatus(harness.client, parent.executionArn!);
    expect(result.status).toBe('SUCCEEDED');
    expect(JSON.parse(result.output!)).toEqual({
      childOutput: { order: 'P1', before: { reservation: 'R-P1-1' }, callback: { child: 'answered' }, after: { done: true } },
    });
    expect(harness.callsOf('before')).toHaveLength(1);
    expect(harness.callsOf('callback')).toHaveLength(1);
    expectOneRun(await history(harness, parent.executionArn!));
  });

  it('resumes Map iterations waiting on tokens; iterations keep their own journaled results', async () => {
    harness = await restartHarness();
    const { executionArn } = await harness.client.send(
      new StartExecutionCommand({ stateMachineArn: harness.arn('map-callback'), input: JSON.stringify({ orders: ['a', 'b', 'c'] }) }),
    );
    await waitFor('three callback calls', () => (harness!.callsOf('callback').length === 3 ? true : undefined));
    await harness.clock.whenIdle();
    const tokens = new Map(
      harness.callsOf('callback').map((call) => {
        const payload = call.payload as { order: string; nested: { taskToken: string } };
        return [payload.order, payload.nested.taskToken] as const;
      }),
    );
    // One iteration is answered before the restart, the others after.
    await harness.client.send(new SendTaskSuccessCommand({ taskToken: tokens.get('b')!, output: '"B"' }));
    await harness.clock.whenIdle();
    await harness.restart();
    await harness.client.send(new SendTaskSuccessCommand({ taskToken: tokens.get('c')!, output: '"C"' }));
    await harness.client.send(new SendTaskSuccessCommand({ taskToken: tokens.get('a')!, output: '"A"' }));
    const result = await waitForStatus(harness.client, executionArn!);
    expect(result.status).toBe('SUCCEEDED');
    const output = JSON.parse(result.output!) as { order: string; before: { reservation: string }; callback: string }[];
    expect(output.map((item) => [item.order, item.callback])).toEqual([
      ['a', 'A'],
      ['b', 'B'],
      ['c', 'C'],
    ]);
    // Each iteration kept the reservation of its own (single) Lambda call.
    const reservationsByOrder = new Map(
      harness.callsOf('before').map((call, index) => [(call.payload as { order: string }).order, `R-${(call.payload as { order: string }).order}-${index + 1}`]),
    );
    expect(harness.callsOf('before')).toHaveLength(3);
    for (const item of output) expect(item.before.reservation).toBe(reservationsByOrder.get(item.order));
    expect(harness.callsOf('callback')).toHaveLength(3);
    const events = await history(harness, executionArn!);
    events.forEach((event, index) => expect(event.id).toBe(index + 1));
    expect(events.filter((e) => e.type === 'MapIterationSucceeded')).toHaveLength(3);
    expect(events.filter((e) => e.type === 'TaskSubmitted')).toHaveLength(3);
  });

  it('does not run finished executions again after a restart', async () => {
    harness = await restartHarness();
    const parent = await harness.client.send(
      new StartExecutionCommand({ stateMachineArn: harness.arn('nested-parent'), name: 'done-parent', input: JSON.stringify({ value: 4 }) }),
    );
    const finished = await waitForStatus(harness.client, parent.executionArn!);
    const callsBefore = harness.calls.length;
    await harness.restart();
    await harness.clock.whenIdle();
    expect(harness.calls.length).toBe(callsBefore);
    const again = await waitForStatus(harness.client, parent.executionArn!);
    expect(again.output).toBe(finished.output);
    expect(harness.logs.some((line) => line.includes('Resuming'))).toBe(false);
  });
});
