/**
 * The schedules of lib/definitions/schedules.ts on AWS: one EventBridge Scheduler schedule each,
 * a cron in the business time zone, invoking the declared function with the declared input
 * through a role that may invoke that function and nothing else.
 */
import { describe, expect, it } from 'vitest';
import { cronExpression, schedules } from '../../lib/definitions/schedules';
import { asList, buildStack, getAttTarget, statementsOfRole } from './fixture';

const dev = buildStack();
const tokyo = buildStack({ stage: 'prod', businessTimeZone: 'Asia/Tokyo' });

function scheduleResource(built: typeof dev, name: string) {
  const found = Object.values(built.template.findResources('AWS::Scheduler::Schedule', { Properties: { Name: name } })) as { Properties: Record<string, any> }[];
  expect(found, `schedule ${name}`).toHaveLength(1);
  return found[0]!;
}

describe('the daily dunning run', () => {
  it('is declared once: RunDunning at 06:00 every day', () => {
    const dunning = schedules.find((s) => s.id === 'DailyDunningRun')!;
    expect(dunning).toMatchObject({ functionId: 'RunDunning', daily: { hour: 6, minute: 0 } });
    expect(cronExpression(dunning)).toBe('cron(0 6 * * ? *)');
  });
});

describe.each(schedules.map((s) => [s.id, s] as const))('schedule %s', (id, definition) => {
  it('runs on its cron in the business time zone of the stage, with no flexible window', () => {
    const schedule = scheduleResource(dev, `order-to-cash-dev-${id}`);
    expect(schedule.Properties).toMatchObject({
      ScheduleExpression: cronExpression(definition),
      ScheduleExpressionTimezone: 'Europe/Berlin',
      FlexibleTimeWindow: { Mode: 'OFF' },
      State: 'ENABLED',
    });
    expect(scheduleResource(tokyo, `order-to-cash-prod-${id}`).Properties.ScheduleExpressionTimezone).toBe('Asia/Tokyo');
  });

  it('invokes the declared function with the declared input, retried within an hour', () => {
    const schedule = scheduleResource(dev, `order-to-cash-dev-${id}`);
    expect(getAttTarget(schedule.Properties.Target.Arn)).toBe(dev.functionLogicalId(definition.functionId));
    expect(JSON.parse(schedule.Properties.Target.Input)).toEqual(definition.input);
    expect(schedule.Properties.Target.RetryPolicy).toEqual({ MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 });
  });

  it('uses a role the scheduler of this account assumes, allowed to invoke exactly that function', () => {
    const schedule = scheduleResource(dev, `order-to-cash-dev-${id}`);
    const roleId = getAttTarget(schedule.Properties.Target.RoleArn)!;
    const role = dev.resource(roleId);
    expect(role.Properties.AssumeRolePolicyDocument).toMatchObject({
      Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'scheduler.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': expect.anything() } } }],
    });
    const statements = statementsOfRole(dev.template, roleId);
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatchObject({ Effect: 'Allow', Action: 'lambda:InvokeFunction' });
    expect(asList(statements[0]!.Resource).map(getAttTarget)).toEqual([dev.functionLogicalId(definition.functionId)]);
  });
});
