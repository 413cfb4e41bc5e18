/**
 * Configuration fails fast: a missing environment variable is an error at cold start that names it.
 */
import { tableById, type TableId } from '../../lib/definitions/tables';

export class MissingConfigurationError extends Error {
  constructor(name: string) {
    super(`Environment variable ${name} is not set`);
    this.name = 'MissingConfigurationError';
  }
}

export function requireEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new MissingConfigurationError(name);
  return value;
}

/** The name of a table, from the environment variable the stack sets for it. */
export function tableName(id: TableId): string {
  return requireEnv(tableById(id).envVar);
}
