/**
 * Faults survived, statically: every Task of every state machine retries the transient errors of
 * what it calls with exponential back-off and full jitter, capped; every Task catches `States.ALL`
 * (after its business errors) into the attention path (`<State>Failed` -> `NeedsAttention`), whose
 * retry runs the failed step again; every callback wait has a time-out that is caught (lapse ->
 * the execution's age is checked -> the same wait again); and every state the retry or the lapse
 * goes back to is reachable from the routing Choices.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stateMachines } from '../../lib/definitions/state-machines';

const root = resolve(import.meta.dirname, '../..');

type State = Record<string, unknown> & {
  Type: string;
  Resource?: string;
  Retry?: { ErrorEquals: string[]; IntervalSeconds?: number; MaxAttempts?: number; BackoffRate?: number; MaxDelaySeconds?: number; JitterStrategy?: string }[];
  Catch?: { ErrorEquals: string[]; Next: string; ResultPath?: string | null }[];
  Next?: string;
};

const LAMBDA_TRANSIENT = ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException', 'Sandbox.Timedout', 'TransientStoreError'];

/**
 * The business machines, whose failed steps go to finance's attention worklist. WebhookDelivery is
 * not one: it lasts a day at most and a failed step fails it, its delivery showing the attempts
 * (its own rules: test/asl/webhook-delivery.test.ts).
 */
const businessMachines = stateMachines.filter((m) => m.id !== 'WebhookDelivery');

describe.each(businessMachines.map((m) => [m.file, m] as const))('%s', (file) => {
  const definition = JSON.parse(readFileSync(resolve(root, file), 'utf8')) as { StartAt: string; States: Record<string, State> };
  const states = definition.States;
  const tasks = Object.entries(states).filter(([, s]) => s.Type === 'Task');
  const waits = tasks.filter(([, s]) => s.Resource?.endsWith('.waitForTaskToken'));
  const choiceTargets = (name: string): [string | undefined, string][] =>
    ((states[name]?.Choices as { Next: string; StringEquals?: string }[] | undefined) ?? []).map((c) => [c.StringEquals, c.Next]);

  it('retries the transient errors of every Task with exponential back-off, full jitter and a cap', () => {
    expect(tasks.length).toBeGreaterThan(0);
    for (const [name, state] of tasks) {
      const retry = state.Retry ?? [];
      expect(retry.length, `${name} has a Retry`).toBeGreaterThan(0);
      for (const retrier of retry) {
        expect(retrier.JitterStrategy, `${name} jitter`).toBe('FULL');
        expect(retrier.BackoffRate ?? 0, `${name} back-off`).toBeGreaterThan(1);
        expect(retrier.MaxDelaySeconds, `${name} MaxDelaySeconds`).toBeGreaterThan(0);
        expect(retrier.MaxAttempts ?? 3, `${name} attempts`).toBeGreaterThanOrEqual(3);
        expect(retrier.ErrorEquals, `${name} retries no catch-all`).not.toContain('States.ALL');
        expect(retrier.ErrorEquals, `${name} retries no catch-all`).not.toContain('States.TaskFailed');
      }
      const retried = retry.flatMap((r) => r.ErrorEquals);
      if (state.Resource?.includes(':lambda:')) for (const error of LAMBDA_TRANSIENT) expect(retried, `${name} retries ${error}`).toContain(error);
      if (state.Resource?.includes(':dynamodb:')) expect(retried).toEqual(expect.arrayContaining(['DynamoDB.ProvisionedThroughputExceededException', 'DynamoDB.ThrottlingException']));
      if (state.Resource?.includes(':states:::states:')) expect(retried).toEqual(expect.arrayContaining(['StepFunctions.ThrottlingException', 'StepFunctions.AWSStepFunctionsException']));
      // A request-response step has a time-out and, being safe to repeat, retries it; a wait's time-out is a lapse, never retried.
      if (state.Resource?.endsWith('.waitForTaskToken')) expect(retried, `${name} does not retry its wait's time-out`).not.toContain('States.Timeout');
      else {
        expect(state.TimeoutSeconds, `${name} TimeoutSeconds`).toBeGreaterThan(0);
        expect(retried, `${name} retries States.Timeout`).toContain('States.Timeout');
      }
    }
  });

  it('names the transient errors the step can meet: email throttling for the email step, Step Functions throttling for steps that resume executions', () => {
    for (const [name, state] of tasks) {
      const retried = (state.Retry ?? []).flatMap((r) => r.ErrorEquals);
      if (name === 'SendInvoiceByEmail') {
        expect(retried).toContain('TransientEmailError');
        expect(retried, 'a rejected email is not retried').not.toContain('MessageRejected');
      }
      if (state.Resource?.endsWith('.waitForTaskToken') && name !== 'NeedsAttention') expect(retried, name).toContain('TransientWorkflowError');
    }
  });

  it('catches States.ALL last on every Task, into <State>Failed then NeedsAttention (NeedsAttention itself: an hour, then again)', () => {
    for (const [name, state] of tasks) {
      const catches = state.Catch ?? [];
      const last = catches.at(-1);
      expect(last?.ErrorEquals, `${name} catches States.ALL last`).toEqual(['States.ALL']);
      catches.slice(0, -1).forEach((c) => expect(c.ErrorEquals, `${name}: only the last catch is States.ALL`).not.toContain('States.ALL'));
      if (name === 'NeedsAttention') {
        expect(last?.Next).toBe('WaitBeforeRecordingAttentionAgain');
        expect(states.WaitBeforeRecordingAttentionAgain).toMatchObject({ Type: 'Wait', Next: 'NeedsAttention' });
        continue;
      }
      expect(last?.Next).toBe(`${name}Failed`);
      expect(last?.ResultPath).toBe('$.failure');
      expect(states[`${name}Failed`]).toMatchObject({ Type: 'Pass', Result: name, ResultPath: '$.returnTo', Next: 'NeedsAttention' });
    }
  });

  it('NeedsAttention records the step and waits for finance with a time-out; the retry runs the failed step again', () => {
    const attention = states.NeedsAttention!;
    expect(attention.Resource).toBe('arn:aws:states:::lambda:invoke.waitForTaskToken');
    expect(JSON.stringify(attention.Parameters)).toContain('${RecordNeedsAttentionFunctionArn}');
    expect((attention.Parameters as { Payload: Record<string, unknown> }).Payload).toMatchObject({ 'state.$': '$.returnTo', 'failure.$': '$.failure', 'taskToken.$': '$$.Task.Token' });
    expect(attention.TimeoutSeconds).toBeGreaterThan(0);
    expect(attention.Catch?.[0]).toMatchObject({ ErrorEquals: ['States.Timeout'], Next: 'NeedsAttentionLapsed' });
    expect(attention.Next).toBe('RetryFailedStep');
    const targets = new Map(choiceTargets('RetryFailedStep'));
    for (const [name] of tasks) if (name !== 'NeedsAttention') expect(targets.get(name), `RetryFailedStep goes back to ${name}`).toBe(name);
    expect(states.RetryFailedStep?.Default).toBe('StepUnknown');
  });

  it('gives every callback wait a time-out that lapses into the age check and back to the same wait', () => {
    for (const [name, state] of waits) {
      const lapse = name === 'AwaitPaymentUntilDueDate' ? undefined : `${name}Lapsed`;
      expect(state.TimeoutSeconds ?? state.TimeoutSecondsPath ?? state.HeartbeatSeconds, `${name} has a time-out`).toBeDefined();
      const timeoutCatch = state.Catch?.find((c) => c.ErrorEquals.includes('States.Timeout'));
      expect(timeoutCatch, `${name} catches its time-out`).toBeDefined();
      if (!lapse) {
        // The due date passing is the business meaning of this time-out.
        expect(timeoutCatch?.Next).toBe('MarkInvoiceOverdue');
        continue;
      }
      expect(timeoutCatch?.Next).toBe(lapse);
      // The order's waits that time out at an invoice's due date mark the overdue invoices on the way to the age check.
      const ageCheck = states[lapse]?.Next === 'MarkOverdueInvoices' ? states.MarkOverdueInvoices?.Next : states[lapse]?.Next;
      expect(ageCheck).toBe('ContinueInNewExecutionIfOld');
      const resumeAt = (states[lapse]?.Result ?? (states[lapse]?.Parameters as { resumeAt?: string } | undefined)?.resumeAt) as string;
      const target = new Map(choiceTargets('ResumeWaiting')).get(resumeAt);
      expect(target, `${lapse} resumes`).toBe(resumeAt);
      expect(state.TimeoutSeconds ?? 0, `${name} lapses well within the year`).toBeLessThanOrEqual(31 * 86_400);
    }
  });

  it('continues in a new execution before the year ends, and a continuation resumes where the old one waited', () => {
    if (definition.StartAt === 'IsContinuedExecution') {
      expect(states.IsContinuedExecution?.Choices).toEqual([{ Variable: '$.continuedFrom', IsPresent: true, Next: 'ResumeWaiting' }]);
    } else {
      // The order lifecycle saves the Choice on every order: its first step tells a continuation apart (ExecutionContinued).
      expect(definition.StartAt).toBe('CheckCreditAndWaitForShipment');
      expect(states.CheckCreditAndWaitForShipment?.Catch).toContainEqual({ ErrorEquals: ['ExecutionContinued'], ResultPath: null, Next: 'ResumeWaiting' });
    }
    const renew = states.ContinueInNewExecutionIfOld!;
    expect(JSON.stringify(renew.Parameters)).toContain('${RenewExecutionFunctionArn}');
    expect((renew.Parameters as { Payload: Record<string, unknown> }).Payload).toMatchObject({ 'startTime.$': '$$.Execution.StartTime', 'stateMachineArn.$': '$$.StateMachine.Id', 'input.$': '$' });
    expect(renew.Next).toBe('WasExecutionContinued');
    expect(states.WasExecutionContinued?.Choices).toEqual([{ Variable: '$.renewal.continued', BooleanEquals: true, Next: 'ContinuedInNewExecution' }]);
    expect(states.ContinuedInNewExecution?.Type).toBe('Succeed');
    expect(new Map(choiceTargets('ResumeWaiting')).get('NeedsAttention')).toBe('NeedsAttention');
  });

  it('reaches every state from StartAt', () => {
    const seen = new Set<string>();
    const queue = [definition.StartAt];
    while (queue.length) {
      const name = queue.pop()!;
      if (seen.has(name)) continue;
      seen.add(name);
      const state = states[name]!;
      const next = [state.Next, state.Default, ...((state.Choices as { Next: string }[] | undefined) ?? []).map((c) => c.Next), ...(state.Catch ?? []).map((c) => c.Next)];
      for (const n of next) if (typeof n === 'string') queue.push(n);
    }
    expect([...Object.keys(states)].filter((n) => !seen.has(n))).toEqual([]);
  });
});

describe('the invoice settlement and the year', () => {
  const states = (JSON.parse(readFileSync(resolve(root, 'statemachines/invoice-settlement.asl.json'), 'utf8')) as { States: Record<string, State> }).States;

  it('awaits a due date more than a month away a month at a time, counting the month off', () => {
    expect(states.IsDueDateMoreThanAMonthAway?.Choices).toEqual([{ Variable: '$.secondsUntilOverdue', NumericGreaterThan: 2592000, Next: 'AwaitPaymentBeforeTheDueDate' }]);
    expect(states.AwaitPaymentBeforeTheDueDate?.TimeoutSeconds).toBe(2592000);
    expect((states.AwaitPaymentBeforeTheDueDateLapsed?.Parameters as Record<string, string>)['secondsUntilOverdue.$']).toBe('States.MathAdd($.secondsUntilOverdue, -2592000)');
    expect((states.AwaitPaymentBeforeTheDueDateLapsed?.Parameters as Record<string, string>).resumeAt).toBe('IsDueDateMoreThanAMonthAway');
  });
});
