/**
 * The Task resources the local service runs, and how each one calls out and shapes its result and
 * errors the way AWS does:
 *
 * - a Lambda function ARN as `Resource`: the result is the function's return value;
 * - `arn:aws:states:::lambda:invoke` (and `.waitForTaskToken`): result
 *   `{ ExecutedVersion: '$LATEST', Payload, StatusCode: 200 }`;
 * - `arn:aws:states:::states:startExecution` (request-response, `.sync`, `.sync:2`, `.waitForTaskToken`);
 * - `arn:aws:states:::dynamodb:getItem|putItem|updateItem|deleteItem|query` and the same actions as
 *   `arn:aws:states:::aws-sdk:dynamodb:<action>`.
 *
 * A Lambda handler that throws fails the task with the error's `name` as the state error (Lambda's
 * `errorType`) and `{"errorType","errorMessage"}` as the cause. DynamoDB errors become
 * `DynamoDB.<ExceptionName>` (optimized integration) or `DynamoDb.<ExceptionName>` (AWS SDK integration).
 */
import {
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type DeleteItemCommandInput,
  type DynamoDBClient,
  type GetItemCommandInput,
  type PutItemCommandInput,
  type QueryCommandInput,
  type UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import type { JsonObject, JsonValue } from './types';

/** The DynamoDB actions a Task can call. */
export type DynamoDbAction = 'getItem' | 'putItem' | 'updateItem' | 'deleteItem' | 'query';

/** How a task waits: answer of the call, child execution end, or task token. */
export type IntegrationPattern = 'request' | 'sync' | 'sync2' | 'token';

/** A parsed Task `Resource`. `resourceType`/`resource` are the values AWS puts in Task history events. */
export type TaskResource =
  | { readonly kind: 'lambdaFunction'; readonly arn: string; readonly pattern: 'request' }
  | { readonly kind: 'lambdaInvoke'; readonly arn: string; readonly pattern: 'request' | 'token'; readonly resourceType: string; readonly resource: string }
  | { readonly kind: 'startExecution'; readonly arn: string; readonly pattern: IntegrationPattern; readonly resourceType: string; readonly resource: string }
  | {
      readonly kind: 'dynamodb';
      readonly arn: string;
      readonly action: DynamoDbAction;
      readonly flavour: 'optimized' | 'sdk';
      readonly pattern: 'request';
      readonly resourceType: string;
      readonly resource: string;
    }
  | { readonly kind: 'unsupported'; readonly arn: string; readonly reason: string };

const LAMBDA_FUNCTION_ARN = /^arn:aws[\w-]*:lambda:[^:]+:\d{12}:function:[^:]+(?::[^:]+)?$/;
const STATES_SERVICE_ARN = /^arn:aws[\w-]*:states:[^:]*:[^:]*:(.+)$/;
const DYNAMODB_ACTIONS: readonly DynamoDbAction[] = ['getItem', 'putItem', 'updateItem', 'deleteItem', 'query'];

/** The resources this service runs, for error messages. */
export const SUPPORTED_RESOURCES =
  'Lambda function ARNs, arn:aws:states:::lambda:invoke[.waitForTaskToken], ' +
  'arn:aws:states:::states:startExecution[.sync|.sync:2|.waitForTaskToken], ' +
  'arn:aws:states:::dynamodb:getItem|putItem|updateItem|deleteItem|query and arn:aws:states:::aws-sdk:dynamodb:<same actions>';

/** Parses a Task state's `Resource`. */
export function parseTaskResource(arn: string): TaskResource {
  if (LAMBDA_FUNCTION_ARN.test(arn)) return { kind: 'lambdaFunction', arn, pattern: 'request' };
  const service = STATES_SERVICE_ARN.exec(arn)?.[1];
  if (service === undefined) return { kind: 'unsupported', arn, reason: 'it is neither a Lambda function ARN nor a Step Functions service integration' };
  const [resourceType, ...rest] = service.split(':');
  const action = rest.join(':');
  if (resourceType === 'lambda' && (action === 'invoke' || action === 'invoke.waitForTaskToken')) {
    return { kind: 'lambdaInvoke', arn, pattern: action === 'invoke' ? 'request' : 'token', resourceType, resource: action };
  }
  if (resourceType === 'states') {
    const patterns: Record<string, IntegrationPattern> = {
      startExecution: 'request',
      'startExecution.sync': 'sync',
      'startExecution.sync:2': 'sync2',
      'startExecution.waitForTaskToken': 'token',
    };
    const pattern = patterns[action];
    if (pattern) return { kind: 'startExecution', arn, pattern, resourceType, resource: action };
  }
  if (resourceType === 'dynamodb' && (DYNAMODB_ACTIONS as readonly string[]).includes(action)) {
    return { kind: 'dynamodb', arn, action: action as DynamoDbAction, flavour: 'optimized', pattern: 'request', resourceType, resource: action };
  }
  if (resourceType === 'aws-sdk' && rest[0] === 'dynamodb' && rest.length === 2 && (DYNAMODB_ACTIONS as readonly string[]).includes(rest[1] ?? '')) {
    const sdkAction = rest[1] as DynamoDbAction;
    return { kind: 'dynamodb', arn, action: sdkAction, flavour: 'sdk', pattern: 'request', resourceType: 'aws-sdk:dynamodb', resource: sdkAction };
  }
  return { kind: 'unsupported', arn, reason: 'the local Step Functions supports Lambda, nested executions and DynamoDB integrations only' };
}

/** A task that failed with an ASL error name and cause (becomes `TaskFailed` and the state error). */
export class TaskFailure extends Error {
  constructor(
    readonly error: string,
    readonly causeText: string,
  ) {
    super(`${error}: ${causeText}`);
    this.name = 'TaskFailure';
  }
}

/** Turns a value from outside (Lambda result, SDK output) into plain JSON: bytes become base64, `undefined` disappears. */
export function toJsonValue(value: unknown): JsonValue {
  if (value === undefined) return null;
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
    if (v instanceof Set) return [...(v as Set<unknown>)];
    if (typeof v === 'bigint') return v.toString();
    return v;
  });
  return text === undefined ? null : (JSON.parse(text) as JsonValue);
}

/** Lambda's view of an error thrown by a handler: `errorType` is the error's `name`. */
export function lambdaFailure(error: unknown): TaskFailure {
  const errorType = error instanceof Error ? error.name || 'Error' : 'Error';
  const errorMessage = error instanceof Error ? error.message : String(error);
  return new TaskFailure(errorType, JSON.stringify({ errorType, errorMessage }));
}

/** Calls a Lambda function through the in-process invoker, mapping a throw to the function error. */
export async function callLambda(
  invoke: (functionNameOrArn: string, payload: unknown) => Promise<unknown>,
  functionNameOrArn: string,
  payload: JsonValue,
): Promise<JsonValue> {
  let result: unknown;
  try {
    result = await invoke(functionNameOrArn, payload);
  } catch (error) {
    throw lambdaFailure(error);
  }
  return toJsonValue(result);
}

/** The `lambda:invoke` call: `FunctionName` (+ optional `Qualifier`) and `Payload` from the parameters. */
export function lambdaInvokeTarget(parameters: JsonValue): { functionName: string; payload: JsonValue } {
  if (!isJsonObject(parameters) || typeof parameters['FunctionName'] !== 'string' || parameters['FunctionName'] === '') {
    throw new TaskFailure('States.Runtime', 'lambda:invoke needs a FunctionName string in its Parameters');
  }
  const qualifier = parameters['Qualifier'];
  const functionName = typeof qualifier === 'string' && qualifier !== '' ? `${parameters['FunctionName']}:${qualifier}` : parameters['FunctionName'];
  return { functionName, payload: parameters['Payload'] ?? {} };
}

/** The result of `lambda:invoke` around the function's return value. */
export function lambdaInvokeResult(payload: JsonValue): JsonObject {
  return { ExecutedVersion: '$LATEST', Payload: payload, StatusCode: 200 };
}

/** Calls DynamoDB for a `dynamodb:*` / `aws-sdk:dynamodb:*` task. */
export async function callDynamoDb(
  client: DynamoDBClient,
  action: DynamoDbAction,
  flavour: 'optimized' | 'sdk',
  parameters: JsonValue,
): Promise<JsonValue> {
  if (!isJsonObject(parameters)) throw new TaskFailure('States.Runtime', `dynamodb:${action} needs an object as Parameters`);
  const input = decodeBinaryAttributes(parameters);
  let output: { $metadata?: { requestId?: string; httpStatusCode?: number } };
  try {
    switch (action) {
      case 'getItem':
        output = await client.send(new GetItemCommand(input as unknown as GetItemCommandInput));
        break;
      case 'putItem':
        output = await client.send(new PutItemCommand(input as unknown as PutItemCommandInput));
        break;
      case 'updateItem':
        output = await client.send(new UpdateItemCommand(input as unknown as UpdateItemCommandInput));
        break;
      case 'deleteItem':
        output = await client.send(new DeleteItemCommand(input as unknown as DeleteItemCommandInput));
        break;
      case 'query':
        output = await client.send(new QueryCommand(input as unknown as QueryCommandInput));
        break;
    }
  } catch (error) {
    throw dynamoDbFailure(error, flavour);
  }
  const { $metadata, ...rest } = output;
  const result = toJsonValue(rest) as JsonObject;
  if (flavour === 'sdk') return result;
  return {
    ...result,
    SdkHttpMetadata: { HttpHeaders: {}, HttpStatusCode: $metadata?.httpStatusCode ?? 200 },
    SdkResponseMetadata: { RequestId: $metadata?.requestId ?? '' },
  };
}

function dynamoDbFailure(error: unknown, flavour: 'optimized' | 'sdk'): TaskFailure {
  const name = error instanceof Error && error.name ? error.name : 'AmazonDynamoDBException';
  const message = error instanceof Error ? error.message : String(error);
  if (flavour === 'sdk') return new TaskFailure(`DynamoDb.${name}`, message);
  const metadata = (error as { $metadata?: { httpStatusCode?: number; requestId?: string } }).$metadata;
  return new TaskFailure(
    `DynamoDB.${name}`,
    `${message} (Service: AmazonDynamoDBv2; Status Code: ${metadata?.httpStatusCode ?? 400}; Error Code: ${name}; Request ID: ${metadata?.requestId ?? ''}; Proxy: null)`,
  );
}

/** Binary attribute values arrive base64-encoded in ASL; the SDK wants bytes. */
function decodeBinaryAttributes(value: JsonValue): unknown {
  if (Array.isArray(value)) return value.map(decodeBinaryAttributes);
  if (!isJsonObject(value)) return value;
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (key === 'B' && typeof item === 'string') result[key] = Buffer.from(item, 'base64');
    else if (key === 'BS' && Array.isArray(item)) result[key] = item.map((b) => Buffer.from(String(b), 'base64'));
    else result[key] = decodeBinaryAttributes(item);
  }
  return result;
}

/** Whether a JSON value is an object (not null, not an array). */
export function isJsonObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
