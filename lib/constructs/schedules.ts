/**
 * One EventBridge Scheduler schedule per entry of `schedules` (lib/definitions/schedules.ts): a
 * cron in the business time zone (`ScheduleExpressionTimezone`, so 06:00 stays 06:00 across
 * daylight saving), invoking the declared function with the declared input through a role that
 * may invoke exactly that function. Retries: 2 attempts within an hour.
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';
import { cronExpression, schedules, SCHEDULE_RETRY_ATTEMPTS, type ScheduleDefinition } from '../definitions/schedules';
import { resourceName, type DeploymentConfig } from './deployment-config';
import type { HandlerFunctions } from './handler-functions';

export interface SchedulesProps {
  readonly config: DeploymentConfig;
  readonly functions: HandlerFunctions;
}

export class Schedules extends Construct {
  private readonly byId = new Map<string, scheduler.CfnSchedule>();

  constructor(scope: Construct, id: string, props: SchedulesProps) {
    super(scope, id);
    for (const definition of schedules) this.byId.set(definition.id, this.createSchedule(definition, props));
  }

  /** The schedule created for a declared schedule id. */
  schedule(id: string): scheduler.CfnSchedule {
    const found = this.byId.get(id);
    if (!found) throw new Error(`No schedule ${id}`);
    return found;
  }

  private createSchedule(definition: ScheduleDefinition, { config, functions }: SchedulesProps): scheduler.CfnSchedule {
    const fn = functions.function(definition.functionId);
    const role = new iam.Role(this, `${definition.id}Role`, {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': fn.stack.account } },
      }),
      description: `EventBridge Scheduler role of ${definition.id}: invokes ${definition.functionId} only`,
    });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [fn.functionArn] }));
    return new scheduler.CfnSchedule(this, definition.id, {
      name: resourceName(config, definition.id),
      description: definition.description,
      scheduleExpression: cronExpression(definition),
      scheduleExpressionTimezone: config.settings.businessTimeZone,
      flexibleTimeWindow: { mode: 'OFF' },
      state: 'ENABLED',
      target: {
        arn: fn.functionArn,
        roleArn: role.roleArn,
        input: JSON.stringify(definition.input),
        retryPolicy: { maximumRetryAttempts: SCHEDULE_RETRY_ATTEMPTS, maximumEventAgeInSeconds: 3600 },
      },
    });
  }
}
