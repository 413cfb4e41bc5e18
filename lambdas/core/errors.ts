/**
 * Domain errors. Handlers map them to HTTP answers (`{"error": {"code", "message", "details"}}`):
 * validation 400, not found 404, conflict 409, idempotency mismatch 422.
 */

export interface FieldProblem {
  /** The field, as a path into the request (`lines[2].quantity`). */
  readonly field: string;
  readonly problem: string;
}

export abstract class DomainError extends Error {
  abstract readonly code: string;
}

export class ValidationError extends DomainError {
  readonly code = 'VALIDATION_FAILED';
  constructor(readonly problems: readonly FieldProblem[]) {
    super(problems.map((p) => `${p.field}: ${p.problem}`).join('; '));
    this.name = 'ValidationError';
  }

  static of(field: string, problem: string): ValidationError {
    return new ValidationError([{ field, problem }]);
  }
}

export class NotFoundError extends DomainError {
  readonly code = 'NOT_FOUND';
  constructor(
    readonly entity: string,
    readonly id: string,
  ) {
    super(`${entity} ${id} does not exist`);
    this.name = 'NotFoundError';
  }
}

export class ConflictError extends DomainError {
  readonly code: string;
  constructor(message: string, code = 'CONFLICT') {
    super(message);
    this.name = 'ConflictError';
    this.code = code;
  }
}

/**
 * The caller sent a field its role may not set (a storefront sending a credit limit): 403
 * `FORBIDDEN_FIELD` naming each such field; nothing is written.
 */
export class ForbiddenFieldError extends DomainError {
  readonly code = 'FORBIDDEN_FIELD';
  constructor(readonly problems: readonly FieldProblem[]) {
    super(problems.map((p) => `${p.field}: ${p.problem}`).join('; '));
    this.name = 'ForbiddenFieldError';
  }
}
