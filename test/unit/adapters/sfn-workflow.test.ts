import { afterEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  ExecutionAlreadyExists,
  InvalidToken,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  SFNServiceException,
  StartExecutionCommand,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { StepFunctionsWorkflow } from '../../../lambdas/adapters/stepfunctions/sfn-workflow';

const sfn = mockClient(SFNClient);
const client = new SFNClient({ region: 'eu-central-1' });
const ARN = 'arn:aws:states:eu-central-1:123456789012:stateMachine:OrderLifecycle';

afterEach(() => {
  sfn.reset();
});

const meta = { $metadata: {} };

describe('StepFunctionsWorkflow', () => {
  it('starts the order lifecycle named from the order, with the input as JSON', async () => {
    // Prepare
    sfn.on(StartExecutionCommand).resolves({ executionArn: `${ARN.replace(':stateMachine:', ':execution:')}:order-O-1`, startDate: new Date() });
    const workflow = new StepFunctionsWorkflow(client, ARN);

    // Act
    const result = await workflow.startOrderLifecycle('order-O-1', { orderId: 'O-1', customerId: 'C-1' });

    // Assess
    expect(result).toEqual({ executionArn: 'arn:aws:states:eu-central-1:123456789012:execution:OrderLifecycle:order-O-1', alreadyStarted: false });
    expect(sfn).toHaveReceivedCommandExactlyOnceWith(StartExecutionCommand, { stateMachineArn: ARN, name: 'order-O-1', input: '{"orderId":"O-1","customerId":"C-1"}' });
  });

  it('treats ExecutionAlreadyExists as a start that happened already', async () => {
    // Prepare
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'Execution Already Exists', ...meta }));
    const workflow = new StepFunctionsWorkflow(client, ARN);

    // Act
    const result = await workflow.startOrderLifecycle('order-O-1', { orderId: 'O-1' });

    // Assess
    expect(result).toEqual({ executionArn: 'arn:aws:states:eu-central-1:123456789012:execution:OrderLifecycle:order-O-1', alreadyStarted: true });
  });

  it('passes other start failures through, and refuses to start without a state machine', async () => {
    // Prepare
    const throttled = new SFNServiceException({ name: 'ThrottlingException', $fault: 'client', message: 'Rate exceeded', ...meta });
    sfn.on(StartExecutionCommand).rejects(throttled);

    // Act
    const failed = new StepFunctionsWorkflow(client, ARN).startOrderLifecycle('order-O-1', {});
    const unconfigured = new StepFunctionsWorkflow(client, undefined).startOrderLifecycle('order-O-2', {});

    // Assess
    await expect(failed).rejects.toBe(throttled);
    await expect(unconfigured).rejects.toThrow('This function was not given the order lifecycle state machine');
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
  });

  it('resumes a waiting step with SendTaskSuccess and the output as JSON', async () => {
    // Prepare
    sfn.on(SendTaskSuccessCommand).resolves({});
    const workflow = new StepFunctionsWorkflow(client, ARN);

    // Act
    const resumed = await workflow.resume('token-1', { shipmentId: 'S-1' });

    // Assess
    expect(resumed).toBe(true);
    expect(sfn).toHaveReceivedCommandExactlyOnceWith(SendTaskSuccessCommand, { taskToken: 'token-1', output: '{"shipmentId":"S-1"}' });
  });

  it.each([
    ['TaskTimedOut', () => new TaskTimedOut({ message: 'Task Timed Out', ...meta })],
    ['InvalidToken', () => new InvalidToken({ message: 'Invalid Token', ...meta })],
    ['TaskDoesNotExist', () => new TaskDoesNotExist({ message: 'Task Does Not Exist', ...meta })],
  ])('answers false for a stale token (%s) on resume and on fail', async (_name, stale) => {
    // Prepare
    sfn.on(SendTaskSuccessCommand).rejects(stale());
    sfn.on(SendTaskFailureCommand).rejects(stale());
    const workflow = new StepFunctionsWorkflow(client, ARN);

    // Act
    const resumed = await workflow.resume('old-token', {});
    const failed = await workflow.fail('old-token', 'OrderCancelled', 'cancelled');

    // Assess
    expect([resumed, failed]).toEqual([false, false]);
  });

  it('passes other resume failures through', async () => {
    // Prepare
    const outage = new SFNServiceException({ name: 'ServiceUnavailable', $fault: 'server', message: 'down', ...meta });
    sfn.on(SendTaskSuccessCommand).rejects(outage);
    const workflow = new StepFunctionsWorkflow(client, ARN);

    // Act / Assess
    await expect(workflow.resume('token-1', {})).rejects.toBe(outage);
  });

  it('fails a waiting step with the business error and cause', async () => {
    // Prepare
    sfn.on(SendTaskFailureCommand).resolves({});
    const workflow = new StepFunctionsWorkflow(client, ARN);

    // Act
    const failed = await workflow.fail('token-1', 'OrderCancelled', 'customer changed their mind');

    // Assess
    expect(failed).toBe(true);
    expect(sfn).toHaveReceivedCommandExactlyOnceWith(SendTaskFailureCommand, { taskToken: 'token-1', error: 'OrderCancelled', cause: 'customer changed their mind' });
  });
});
