import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repositoryRoot } from '../../lib/constructs/repository';
import { stateMachines } from '../../lib/definitions/state-machines';
import { asList, buildStack, getAttTarget, statementsOfRole } from './fixture';

const dev = buildStack();
const prod = buildStack({ stage: 'prod' });

function machineResource(built: typeof dev, name: string) {
  const machines = built.template.findResources('AWS::StepFunctions::StateMachine', { Properties: { StateMachineName: name } });
  const entries = Object.entries(machines) as [string, { Properties: Record<string, unknown> }][];
  expect(entries, `state machine ${name}`).toHaveLength(1);
  return entries[0]!;
}

/** The `${Name}` placeholders of an ASL text. */
function placeholdersOf(text: string): Set<string> {
  return new Set([...text.matchAll(/\$\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1]!));
}

describe.each(stateMachines.map((m) => [m.id, m] as const))('state machine %s', (_id, definition) => {
  it('is a STANDARD machine named <stage>-<name>, logging ALL without execution data, traced', () => {
    const [, machine] = machineResource(dev, `dev-${definition.name}`);
    expect(machine.Properties).toMatchObject({
      StateMachineType: 'STANDARD',
      LoggingConfiguration: {
        Level: 'ALL',
        IncludeExecutionData: false,
        Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [expect.any(String), 'Arn'] } } }],
      },
      TracingConfiguration: { Enabled: true },
    });
    machineResource(prod, `prod-${definition.name}`);
  });

  it('loads the ASL from its file and substitutes function ARNs and table names', () => {
    const [, machine] = machineResource(dev, `dev-${definition.name}`);
    if (!dev.stack.workflows.missingDefinitions.includes(definition.file)) {
      expect(machine.Properties.DefinitionS3Location).toBeDefined();
    }
    const expected = Object.fromEntries(
      Object.entries(definition.substitutions).map(([name, substitution]) => [
        name,
        substitution.kind === 'functionArn'
          ? { 'Fn::GetAtt': [dev.functionLogicalId(substitution.functionId), 'Arn'] }
          : substitution.kind === 'tableName'
            ? { Ref: dev.tableLogicalId(substitution.tableId) }
            : { 'Fn::Join': ['', expect.arrayContaining([expect.stringContaining(`:stateMachine:dev-${substitution.stateMachineId}`)])] },
      ]),
    );
    expect(machine.Properties.DefinitionSubstitutions).toEqual(expected);
  });

  it('may invoke exactly the substituted functions and update exactly the substituted tables', () => {
    const [, machine] = machineResource(dev, `dev-${definition.name}`);
    const role = getAttTarget(machine.Properties.RoleArn)!;
    const statements = statementsOfRole(dev.template, role);

    const invoke = statements.filter((s) => asList(s.Action).includes('lambda:InvokeFunction'));
    expect(invoke.every((s) => asList(s.Action).length === 1)).toBe(true);
    const invoked = invoke.flatMap((s) => asList(s.Resource)).map((r) => getAttTarget(r));
    const substitutedFunctions = Object.values(definition.substitutions).flatMap((s) => (s.kind === 'functionArn' ? [dev.functionLogicalId(s.functionId)] : []));
    expect(invoked.sort()).toEqual([...new Set(substitutedFunctions)].sort());

    const dynamo = statements.filter((s) => asList(s.Action).some((a) => a.startsWith('dynamodb:')));
    const substitutedTables = Object.values(definition.substitutions).flatMap((s) => (s.kind === 'tableName' ? [dev.tableLogicalId(s.tableId)] : []));
    expect(dynamo.flatMap((s) => asList(s.Action)).sort()).toEqual(substitutedTables.length ? ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'] : []);
    const tablesUsed = dynamo.flatMap((s) => asList(s.Resource)).map((r) => getAttTarget(r));
    expect(tablesUsed.sort()).toEqual([...new Set(substitutedTables)].sort());

    const start = statements.filter((s) => asList(s.Action).includes('states:StartExecution'));
    const startsMachines = Object.values(definition.substitutions).some((s) => s.kind === 'stateMachineArn');
    expect(start.length).toBe(startsMachines ? 1 : 0);
    for (const statement of start) expect(asList(statement.Action)).toEqual(['states:StartExecution']);

    // Everything else is CDK's log delivery and X-Ray, which support no resource-level permissions.
    const rest = statements.filter((s) => !invoke.includes(s) && !dynamo.includes(s) && !start.includes(s));
    for (const statement of rest) {
      expect(statement.Resource).toBe('*');
      expect(asList(statement.Action).every((a) => a.startsWith('logs:') || a.startsWith('xray:'))).toBe(true);
    }
  });

  it('outputs its ARN', () => {
    const [logicalId] = machineResource(dev, `dev-${definition.name}`);
    dev.template.hasOutput(`${definition.id}StateMachineArn`, { Value: { Ref: logicalId } });
  });

  it('ASL file: every ${X} has a substitution and every substitution is used', () => {
    const file = path.join(repositoryRoot, definition.file);
    expect(fs.existsSync(file), `${definition.file} exists`).toBe(true);
    const text = fs.readFileSync(file, 'utf8');
    expect(() => JSON.parse(text) as unknown, `${definition.file} is JSON`).not.toThrow();
    const placeholders = placeholdersOf(text);
    const declared = new Set(Object.keys(definition.substitutions));
    expect([...placeholders].filter((p) => !declared.has(p)), 'placeholders without a substitution').toEqual([]);
    expect([...declared].filter((d) => !placeholders.has(d)), 'substitutions the ASL does not use').toEqual([]);
  });
});

describe('ASL files', () => {
  it('every ASL file under statemachines/ belongs to a declared state machine', () => {
    const dir = path.join(repositoryRoot, 'statemachines');
    const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.asl.json')) : [];
    const declared = stateMachines.map((m) => path.basename(m.file));
    expect(files.filter((f) => !declared.includes(f))).toEqual([]);
  });
});
