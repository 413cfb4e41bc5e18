/**
 * The ASL files with their `${Name}` placeholders filled for the local runtime: function ARNs
 * of the in-process Lambdas and local table names, from the same declarations CDK uses.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { stateMachines, type StateMachineDefinition } from '../lib/definitions/state-machines';
import { tableById } from '../lib/definitions/tables';
import { localTableName } from './dynamodb';
import { localFunctionArn, localStateMachineArn } from './environment';
import { stateMachineById } from '../lib/definitions/state-machines';

/** Replaces every `${Name}`; an unknown placeholder is an error naming it. */
export function substitute(text: string, values: Readonly<Record<string, string>>, file: string): string {
  return text.replace(/\$\{([A-Za-z0-9_]+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`${file}: no substitution for \${${name}}`);
    return value;
  });
}

export function localSubstitutions(machine: StateMachineDefinition, stage: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(machine.substitutions).map(([name, s]) => [
      name,
      s.kind === 'functionArn'
        ? localFunctionArn(s.functionId, stage)
        : s.kind === 'tableName'
          ? localTableName(tableById(s.tableId), stage)
          : localStateMachineArn(stateMachineById(s.stateMachineId).name, stage),
    ]),
  );
}

export function localStateMachines(rootDir: string, stage: string): { name: string; definition: Record<string, unknown> }[] {
  return stateMachines.map((machine) => {
    const text = readFileSync(resolve(rootDir, machine.file), 'utf8');
    return { name: `${stage}-${machine.name}`, definition: JSON.parse(substitute(text, localSubstitutions(machine, stage), machine.file)) as Record<string, unknown> };
  });
}
