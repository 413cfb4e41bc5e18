/**
 * The environment the local runtime gives its in-process Lambdas: the same variables the CDK
 * stack sets (table names, state machine ARNs, settings), plus the standard `AWS_ENDPOINT_URL_*`
 * variables that point the SDK at the local services. Lambda code never asks where it runs.
 */
import { tables } from '../lib/definitions/tables';
import { stateMachines } from '../lib/definitions/state-machines';
import { CURSOR_SECRET_ENV, settingsEnvironment, type AppSettings } from '../lib/definitions/settings';
import { localTableName } from './dynamodb';

export const LOCAL_REGION = 'eu-west-1';
export const LOCAL_ACCOUNT = '000000000000';

export function localFunctionName(functionId: string, stage: string): string {
  return `${stage}-${functionId}`;
}

export function localFunctionArn(functionId: string, stage: string): string {
  return `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${localFunctionName(functionId, stage)}`;
}

export function localStateMachineArn(name: string, stage: string): string {
  return `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${stage}-${name}`;
}

export interface LocalEndpoints {
  readonly dynamodb: string;
  readonly ses: string;
  readonly stepFunctions: string;
}

export function localEnvironment(settings: AppSettings, endpoints: LocalEndpoints, secrets: { cursorSecret: string }): Record<string, string> {
  return {
    ...settingsEnvironment(settings),
    [CURSOR_SECRET_ENV]: secrets.cursorSecret,
    AWS_REGION: LOCAL_REGION,
    AWS_DEFAULT_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_SES: endpoints.ses,
    AWS_ENDPOINT_URL_SFN: endpoints.stepFunctions,
    ...Object.fromEntries(tables.map((t) => [t.envVar, localTableName(t, settings.stage)])),
    ...Object.fromEntries(stateMachines.map((m) => [m.envVar, localStateMachineArn(m.name, settings.stage)])),
  };
}
