/**
 * The WebhookDelivery machine, statically and run by the local Step Functions engine's rules:
 * its one Task retries the transient errors of Lambda with full jitter and a cap and catches
 * everything else into a failure of the execution; the receiver's refusals are answered by the
 * step (retry after the back-off it says), never by Step Functions retries.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stateMachineById } from '../../lib/definitions/state-machines';

const root = resolve(import.meta.dirname, '../..');
const definition = JSON.parse(readFileSync(resolve(root, stateMachineById('WebhookDelivery').file), 'utf8')) as { StartAt: string; States: Record<string, Record<string, unknown>> };
const states = definition.States;

describe('statemachines/webhook-delivery.asl.json', () => {
  it('retries the transient errors of its Task with exponential back-off, full jitter and a cap, and catches the rest last', () => {
    const task = states.DeliverWebhook as { Retry: Record<string, unknown>[]; Catch: { ErrorEquals: string[]; Next: string }[]; TimeoutSeconds: number };
    expect(task.TimeoutSeconds).toBeGreaterThan(0);
    for (const retrier of task.Retry) {
      expect(retrier).toMatchObject({ JitterStrategy: 'FULL', MaxDelaySeconds: expect.any(Number) });
      expect(retrier.BackoffRate as number).toBeGreaterThan(1);
      expect(retrier.ErrorEquals).not.toContain('States.ALL');
      expect(retrier.ErrorEquals).not.toContain('States.TaskFailed');
    }
    expect(task.Retry.flatMap((r) => r.ErrorEquals as string[])).toEqual(expect.arrayContaining(['Lambda.ServiceException', 'Lambda.TooManyRequestsException', 'Sandbox.Timedout', 'States.Timeout']));
    expect(task.Catch.at(-1)).toMatchObject({ ErrorEquals: ['States.ALL'], Next: 'DeliverWebhookFailed' });
    expect(states.DeliverWebhookFailed).toMatchObject({ Type: 'Fail' });
  });

  it('goes on after the back-off the step answered, and ends delivered, dropped or given up', () => {
    expect(states.WasItDelivered).toMatchObject({
      Type: 'Choice',
      Choices: [
        { Variable: '$.attempt.outcome', StringEquals: 'delivered', Next: 'Delivered' },
        { Variable: '$.attempt.outcome', StringEquals: 'dropped', Next: 'SubscriptionDeleted' },
        { Variable: '$.attempt.outcome', StringEquals: 'retry', Next: 'WaitBeforeNextAttempt' },
      ],
      Default: 'GaveUpAfterADay',
    });
    expect(states.WaitBeforeNextAttempt).toEqual(expect.objectContaining({ Type: 'Wait', SecondsPath: '$.attempt.retryInSeconds', Next: 'DeliverWebhook' }));
    expect((states.DeliverWebhook as { ResultSelector: Record<string, string> }).ResultSelector['retryInSeconds.$']).toBe('$.Payload.retryInSeconds');
  });
});
