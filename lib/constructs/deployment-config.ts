/**
 * Everything a deployment (one stage) may vary, read from CDK context only: the product settings
 * through `settingsFrom` of `lib/definitions/settings.ts`, plus the infrastructure knobs below.
 * Values given on the command line (`-c apiThrottleRateLimit=100`) arrive as strings, so numbers,
 * booleans and the `seller` object are parsed here and a wrong value fails the synth with its key.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import { sellerProblems, settingsFrom, type AppSettings } from '../definitions/settings';
import { AUTHORIZER_CACHE_TTL_SECONDS } from '../definitions/routes';

export interface DeploymentConfig {
  readonly settings: AppSettings;
  /** Keep tables and logs when the stack is deleted, and turn on table deletion protection. */
  readonly retainData: boolean;
  readonly logRetention: RetentionDays;
  /** X-Ray active tracing of the functions (the state machine and API stage are always traced). */
  readonly tracing: boolean;
  readonly apiThrottleRateLimit: number;
  readonly apiThrottleBurstLimit: number;
  /** How long API Gateway keeps an authorizer answer per key: a revoked key works at most this long (0-60 s). */
  readonly authorizerCacheTtlSeconds: number;
  /** Create the regional API Gateway CloudWatch role; false when the account already has one. */
  readonly apiGatewayCloudWatchRole: boolean;
  /** Create the SES email identity for `sesFromAddress`; otherwise it is referenced by ARN. */
  readonly createSesIdentity: boolean;
  /** Verified SES identity the sending functions may use: the address itself or its domain. */
  readonly sesIdentity: string;
  /**
   * Only for tests and synth while other engineers are still writing sources: a missing handler
   * entry is bundled from a stub that fails every invocation, and a missing ASL file becomes a
   * one-state machine that fails. Never set for a deployment.
   */
  readonly allowMissingSources: boolean;
}

/** Context keys read besides the settings, with their defaults (documented in cdk.json). */
export const contextDefaults = {
  apiThrottleRateLimit: 50,
  apiThrottleBurstLimit: 100,
  authorizerCacheTtlSeconds: AUTHORIZER_CACHE_TTL_SECONDS,
  logRetentionDays: 90,
  tracing: true,
  apiGatewayCloudWatchRole: true,
  createSesIdentity: false,
  allowMissingSources: false,
} as const;

/** Reads the deployment configuration from a construct node's context (normally the App's). */
export function deploymentConfigFrom(node: Node): DeploymentConfig {
  const get = (key: string): unknown => node.tryGetContext(key);
  const settings = settingsFrom((key) => {
    const value = get(key);
    // `-c seller='{"name":...}'` arrives as text; settingsFrom expects an object.
    if (key === 'seller' && typeof value === 'string' && value.trim().startsWith('{')) {
      try {
        return JSON.parse(value) as unknown;
      } catch {
        throw new Error('Context "seller" must be a JSON object');
      }
    }
    return value;
  });
  if (!/^[a-z][a-z0-9-]{0,15}$/.test(settings.stage)) {
    throw new Error(`Context "stage" must be lower-case letters, digits and dashes (at most 16), not "${settings.stage}"`);
  }
  const logRetentionDays = numberFrom(get, 'logRetentionDays', contextDefaults.logRetentionDays);
  if (!Object.values(RetentionDays).includes(logRetentionDays as RetentionDays)) {
    throw new Error(`Context "logRetentionDays" must be a CloudWatch Logs retention (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, ...), not ${logRetentionDays}`);
  }
  const retainData = booleanFrom(get, 'retainData', settings.stage !== 'dev');
  const authorizerCacheTtlSeconds = numberFrom(get, 'authorizerCacheTtlSeconds', contextDefaults.authorizerCacheTtlSeconds);
  if (!Number.isInteger(authorizerCacheTtlSeconds) || authorizerCacheTtlSeconds > AUTHORIZER_CACHE_TTL_SECONDS) {
    throw new Error(`Context "authorizerCacheTtlSeconds" must be a whole number of seconds from 0 to ${AUTHORIZER_CACHE_TTL_SECONDS} (a revoked key must stop working within a minute), not ${authorizerCacheTtlSeconds}`);
  }
  const sesIdentity = get('sesIdentity');
  // Only the local stage may issue invoices with the example seller: any other refuses to synthesize.
  const sellerIssues = sellerProblems(settings.seller);
  if (settings.stage !== 'local' && sellerIssues.length > 0) {
    throw new Error(`Context "seller" is not complete for stage "${settings.stage}" (only the local stage may use the placeholder seller): ${sellerIssues.join('; ')}`);
  }
  return {
    settings,
    retainData,
    logRetention: logRetentionDays as RetentionDays,
    tracing: booleanFrom(get, 'tracing', contextDefaults.tracing),
    apiThrottleRateLimit: numberFrom(get, 'apiThrottleRateLimit', contextDefaults.apiThrottleRateLimit),
    apiThrottleBurstLimit: numberFrom(get, 'apiThrottleBurstLimit', contextDefaults.apiThrottleBurstLimit),
    authorizerCacheTtlSeconds,
    apiGatewayCloudWatchRole: booleanFrom(get, 'apiGatewayCloudWatchRole', contextDefaults.apiGatewayCloudWatchRole),
    createSesIdentity: booleanFrom(get, 'createSesIdentity', contextDefaults.createSesIdentity),
    sesIdentity: typeof sesIdentity === 'string' && sesIdentity !== '' ? sesIdentity : settings.sesFromAddress,
    allowMissingSources: booleanFrom(get, 'allowMissingSources', contextDefaults.allowMissingSources),
  };
}

/** RETAIN for every stage that keeps its data, DESTROY for throw-away stages (`dev`). */
export function removalPolicyOf(config: DeploymentConfig): RemovalPolicy {
  return config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
}

/** Physical name of a table, function or API of this product in a stage: `order-to-cash-<stage>-<Name>`. */
export function resourceName(config: DeploymentConfig, name: string): string {
  return `order-to-cash-${config.settings.stage}-${name}`;
}

/** Physical name of a state machine: `<stage>-<Name>`, fixed so functions can be granted its ARN without a cycle. */
export function stateMachineName(config: DeploymentConfig, name: string): string {
  return `${config.settings.stage}-${name}`;
}

/** CloudFormation stack name of a stage. */
export function stackName(stage: string): string {
  return `OrderToCash-${stage}`;
}

function numberFrom(get: (key: string) => unknown, key: string, fallback: number): number {
  const value = get(key);
  if (value === undefined || value === null || value === '') return fallback;
  const parsed = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  if (!Number.isFinite(parsed) || parsed < 0) throw new Error(`Context "${key}" must be a non-negative number, not ${JSON.stringify(value)}`);
  return parsed;
}

function booleanFrom(get: (key: string) => unknown, key: string, fallback: boolean): boolean {
  const value = get(key);
  if (value === undefined || value === null || value === '') return fallback;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new Error(`Context "${key}" must be true or false, not ${JSON.stringify(value)}`);
}
