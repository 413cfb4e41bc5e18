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

/** The names of the tables this function was given, by the keys an adapter knows them under (absent: not given). */
export function tablesFromEnv<K extends string>(ids: Record<K, TableId>): Partial<Record<K, string>> {
  const tables: Partial<Record<K, string>> = {};
  for (const [key, id] of Object.entries(ids) as [K, TableId][]) {
    const name = process.env[tableById(id).envVar];
    if (name) tables[key] = name;
  }
  return tables;
}
