/**
 * Transient failures of the services a step calls, under names the state machines retry
 * (`statemachines/*.asl.json`, Retry of each Task):
 *
 * - `TransientStoreError`: DynamoDB throttled (`ProvisionedThroughputExceededException`,
 *   `ThrottlingException`, `RequestLimitExceeded`), had an internal error, or cancelled a
 *   transaction for throttling or a conflicting transaction;
 * - `TransientEmailError`: SES throttled (`Throttling`: maximum sending rate exceeded) or was
 *   unavailable. `MessageRejected` is not transient: it keeps its name and the step goes to
 *   finance's attention worklist;
 * - `TransientWorkflowError`: Step Functions throttled or was unavailable (SendTaskSuccess,
 *   StartExecution).
 *
 * The AWS SDK already retries these a few times inside one call; what is left after its retries
 * reaches the step, which Step Functions retries with back-off and jitter. The service is told
 * apart by the SDK's exception class (its name survives bundling: `keepNames`).
 */

export class TransientStoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TransientStoreError';
  }
}

export class TransientEmailError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TransientEmailError';
  }
}

export class TransientWorkflowError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TransientWorkflowError';
  }
}

const STORE_TRANSIENT = new Set(['ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded', 'InternalServerError', 'TransactionConflictException', 'LimitExceededException']);
const STORE_TRANSIENT_REASONS = new Set(['ThrottlingError', 'ProvisionedThroughputExceeded', 'TransactionConflict', 'RequestLimitExceeded']);
const EMAIL_TRANSIENT = new Set(['Throttling', 'ThrottlingException', 'ServiceUnavailable', 'InternalFailure', 'TooManyRequestsException']);
const WORKFLOW_TRANSIENT = new Set(['ThrottlingException', 'ServiceUnavailable', 'InternalServerError', 'InternalFailure']);

type Service = 'DynamoDB' | 'SES' | 'SFN' | undefined;

/** The AWS service whose SDK raised `error`, from its exception class chain. */
function serviceOf(error: object): Service {
  for (let proto: unknown = Object.getPrototypeOf(error); proto && proto !== Error.prototype; proto = Object.getPrototypeOf(proto)) {
    const name = (proto as { constructor?: { name?: string } }).constructor?.name;
    if (name === 'DynamoDBServiceException') return 'DynamoDB';
    if (name === 'SESServiceException') return 'SES';
    if (name === 'SFNServiceException') return 'SFN';
  }
  return undefined;
}

/** The error a step reports: a transient failure under its retryable name, anything else as it is. */
export function asStepError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const name = error.name;
  const service = serviceOf(error);
  const detail = `${name}: ${error.message}`;
  if (service === 'SES') return EMAIL_TRANSIENT.has(name) ? new TransientEmailError(`The email service is busy (${detail})`, { cause: error }) : error;
  if (service === 'SFN') return WORKFLOW_TRANSIENT.has(name) ? new TransientWorkflowError(`Step Functions is busy (${detail})`, { cause: error }) : error;
  // DynamoDB, or an exception of the same name from a client we could not tell (the document client's are DynamoDB's).
  if (service === 'DynamoDB' || service === undefined) {
    if (STORE_TRANSIENT.has(name)) return new TransientStoreError(`The database is busy (${detail})`, { cause: error });
    if (name === 'TransactionCanceledException') {
      const reasons = ((error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? []).map((r) => r.Code ?? 'None');
      const transient = reasons.some((r) => STORE_TRANSIENT_REASONS.has(r)) && !reasons.includes('ConditionalCheckFailed');
      if (transient) return new TransientStoreError(`The database cancelled a transaction (${reasons.join(', ')})`, { cause: error });
    }
  }
  return error;
}
