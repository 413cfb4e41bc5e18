/**
 * The environment the local runtime gives its in-process Lambdas: the same variables the CDK
 * stack sets (table names, state machine ARNs, settings), plus the standard `AWS_ENDPOINT_URL_*`
 * variables that point the SDK at the local services. Lambda code never asks where it runs.
 */
import { tables } from '../lib/definitions/tables';
import { buckets, type BucketDefinition } from '../lib/definitions/buckets';
import { stateMachines } from '../lib/definitions/state-machines';
import { CURSOR_SECRET_ENV, PAY_LINK_SECRET_ENV, PORTAL_URL_ENV, STRIPE_API_URL_ENV, STRIPE_SECRET_KEY_ENV, STRIPE_WEBHOOK_SECRET_ENV, settingsEnvironment, type AppSettings } from '../lib/definitions/settings';
import { localTableName } from './dynamodb';

export const LOCAL_REGION = 'eu-west-1';
export const LOCAL_ACCOUNT = '000000000000';
/** What the in-process Lambdas sign with; the local services accept these. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

export function localFunctionName(functionId: string, stage: string): string {
  return `${stage}-${functionId}`;
}

export function localFunctionArn(functionId: string, stage: string): string {
  return `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${localFunctionName(functionId, stage)}`;
}

export function localStateMachineArn(name: string, stage: string): string {
  return `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${stage}-${name}`;
}

/** A declared bucket's local name (`<stage>-uploads`). */
export function localBucketName(bucket: BucketDefinition, stage: string): string {
  return `${stage}-${bucket.id.toLowerCase()}`;
}

export interface LocalEndpoints {
  readonly dynamodb: string;
  readonly ses: string;
  readonly stepFunctions: string;
  readonly s3: string;
}

/** The customer-facing side, locally: the pay link secret, the portal's address and the local payment provider. */
export interface LocalPortalEnvironment {
  readonly payLinkSecret: string;
  readonly portalUrl: string;
  readonly stripeApiUrl: string;
  readonly stripeSecretKey: string;
  readonly stripeWebhookSecret: string;
}

export function localEnvironment(settings: AppSettings, endpoints: LocalEndpoints, secrets: { cursorSecret: string }, portal?: LocalPortalEnvironment): Record<string, string> {
  return {
    ...settingsEnvironment(settings),
    [CURSOR_SECRET_ENV]: secrets.cursorSecret,
    ...(portal
      ? {
          [PAY_LINK_SECRET_ENV]: portal.payLinkSecret,
          [PORTAL_URL_ENV]: portal.portalUrl,
          [STRIPE_API_URL_ENV]: portal.stripeApiUrl,
          [STRIPE_SECRET_KEY_ENV]: portal.stripeSecretKey,
          [STRIPE_WEBHOOK_SECRET_ENV]: portal.stripeWebhookSecret,
        }
      : {}),
    AWS_REGION: LOCAL_REGION,
    AWS_DEFAULT_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_SES: endpoints.ses,
    AWS_ENDPOINT_URL_SFN: endpoints.stepFunctions,
    AWS_ENDPOINT_URL_S3: endpoints.s3,
    // The S3 emulator is addressed by IP: bucket in the path (read where the S3 client is made).
    AWS_S3_FORCE_PATH_STYLE: 'true',
    ...Object.fromEntries(buckets.map((b) => [b.envVar, localBucketName(b, settings.stage)])),
    ...Object.fromEntries(tables.map((t) => [t.envVar, localTableName(t, settings.stage)])),
    ...Object.fromEntries(stateMachines.map((m) => [m.envVar, localStateMachineArn(m.name, settings.stage)])),
  };
}
