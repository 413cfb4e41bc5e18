/**
 * Static checks of every ASL file: it validates with asl-validator (before and after the local
 * substitutions), every `${X}` has a substitution, every substitution is used, and state names
 * read as the business process (PascalCase).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { stateMachines } from '../../lib/definitions/state-machines';
import { functions } from '../../lib/definitions/functions';
import { localSubstitutions, substitute } from '../../local-aws/state-machines';

const require = createRequire(import.meta.url);
const validate = require('asl-validator') as (definition: unknown, options?: { checkPaths?: boolean; checkArn?: boolean }) => { isValid: boolean; errorsText: (separator?: string) => string };
const root = resolve(import.meta.dirname, '../..');

function allStates(definition: { States: Record<string, Record<string, unknown>> }): [string, Record<string, unknown>][] {
  return Object.entries(definition.States).flatMap(([name, state]) => {
    const nested = [
      ...((state.Branches as { States: Record<string, Record<string, unknown>> }[] | undefined) ?? []),
      ...(state.ItemProcessor ? [state.ItemProcessor as { States: Record<string, Record<string, unknown>> }] : []),
      ...(state.Iterator ? [state.Iterator as { States: Record<string, Record<string, unknown>> }] : []),
    ];
    return [[name, state] as [string, Record<string, unknown>], ...nested.flatMap(allStates)];
  });
}

describe.each(stateMachines.map((m) => [m.file, m] as const))('%s', (_file, machine) => {
  const text = readFileSync(resolve(root, machine.file), 'utf8');
  const placeholders = new Set([...text.matchAll(/\$\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1]!));

  it('every placeholder has a substitution and every substitution is used', () => {
    expect([...placeholders].sort()).toEqual(Object.keys(machine.substitutions).sort());
  });

  it('substitutes only functions and tables that exist', () => {
    for (const s of Object.values(machine.substitutions)) {
      if (s.kind === 'functionArn') expect(functions.map((f) => f.id)).toContain(s.functionId);
    }
  });

  it('is valid ASL as written and after the local substitutions', () => {
    const raw = validate(JSON.parse(text), { checkPaths: true, checkArn: false });
    expect(raw.errorsText('\n')).toBe('');
    expect(raw.isValid).toBe(true);
    const local = validate(JSON.parse(substitute(text, localSubstitutions(machine, 'test'), machine.file)), { checkPaths: true, checkArn: true });
    expect(local.errorsText('\n')).toBe('');
    expect(local.isValid).toBe(true);
  });

  it('names states as the business process, in PascalCase, each with a purpose', () => {
    const definition = JSON.parse(text) as { States: Record<string, Record<string, unknown>> };
    for (const [name, state] of allStates(definition)) {
      expect(name, name).toMatch(/^[A-Z][a-zA-Z0-9]+$/);
      expect(typeof state.Comment, `${name} has a Comment`).toBe('string');
    }
  });

  it('refuses a substitution that is missing', () => {
    expect(() => substitute('{"a":"${Nope}"}', {}, 'x.asl.json')).toThrow(/no substitution for \$\{Nope\}/);
  });
});
