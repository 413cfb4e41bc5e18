/**
 * Errors of the local Step Functions service.
 *
 * - {@link StepFunctionsError}: an API error; `type` is the Step Functions `__type`
 *   (`ExecutionDoesNotExist`, `InvalidToken`, ...). The HTTP layer sends it as status 400
 *   `{"__type": type, "message": message}`, which the AWS SDK v3 turns into the exception class of
 *   that name; `LocalStepFunctions.handle` throws it as is.
 * - {@link StateError}: an error raised inside an execution (a failed task, `States.Runtime`, ...).
 *   The state machine library matches `name` against `Retry`/`Catch` and exposes `message` as `Cause`.
 */

/** The `__type` values this service sends. */
export type StepFunctionsErrorType =
  | 'ExecutionAlreadyExists'
  | 'ExecutionDoesNotExist'
  | 'InvalidArn'
  | 'InvalidExecutionInput'
  | 'InvalidName'
  | 'InvalidOutput'
  | 'InvalidToken'
  | 'StateMachineDoesNotExist'
  | 'TaskDoesNotExist'
  | 'TaskTimedOut'
  | 'ValidationException'
  | 'UnknownOperationException'
  | 'SerializationException'
  | 'ServiceUnavailable'
  | 'ThrottlingException';

/** An API error of the Step Functions API (see the module comment). */
export class StepFunctionsError extends Error {
  /** The Step Functions error code (`__type`). */
  readonly type: StepFunctionsErrorType;
  /** HTTP status the protocol layer answers with. */
  readonly statusCode: number;

  constructor(type: StepFunctionsErrorType, message: string, statusCode = 400) {
    super(message);
    this.name = type;
    this.type = type;
    this.statusCode = statusCode;
  }
}

/**
 * An error inside an execution, shaped the way `aws-local-stepfunctions` reads errors: `name` is the
 * ASL error name, `message` the cause, and `isRetryable`/`isCatchable` say whether `Retry`/`Catch`
 * may handle it (`States.Runtime` may not, as on AWS).
 */
export class StateError extends Error {
  readonly isRetryable: boolean;
  readonly isCatchable: boolean;

  constructor(errorName: string, cause: string, options: { handleable?: boolean } = {}) {
    super(cause);
    this.name = errorName;
    this.isRetryable = options.handleable ?? true;
    this.isCatchable = options.handleable ?? true;
  }
}

/** `States.Runtime`: not retryable nor catchable, fails the execution. */
export function statesRuntimeError(cause: string): StateError {
  return new StateError('States.Runtime', cause, { handleable: false });
}

/** Thrown inside an execution that was stopped, timed out or detached (service stop) meanwhile. */
export class ExecutionClosedError extends Error {
  /** Never retried nor caught: the library must only unwind. */
  readonly isRetryable = false;
  readonly isCatchable = false;

  constructor() {
    super('The execution is no longer running in this service');
    this.name = 'ExecutionClosedError';
  }
}
