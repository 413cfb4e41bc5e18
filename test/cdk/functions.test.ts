import { PAY_LINK_FUNCTIONS, PORTAL_URL_FUNCTIONS, STRIPE_FUNCTIONS } from '../../lib/constructs/customer-portal';
import { describe, expect, it } from 'vitest';
import { functionDefaults, functions, type FunctionDefinition, type TableAccess } from '../../lib/definitions/functions';
import { CURSOR_SECRET_ENV, settingsEnvironment, settingsFrom } from '../../lib/definitions/settings';
import { routes } from '../../lib/definitions/routes';
import { stateMachineById, stateMachines } from '../../lib/definitions/state-machines';
import { tables, type TableId } from '../../lib/definitions/tables';
import { bucketById } from '../../lib/definitions/buckets';
import { EVENT_BUS_ENV, FORWARDER_FUNCTION } from '../../lib/definitions/events';
import { asList, buildStack, cdkJsonContext, completeSeller, getAttTarget, statementsOfRole, type Built, type PolicyStatementJson } from './fixture';

const dev = buildStack();

/** The DynamoDB actions each declared access must give: written out here as the specification. */
const READ = ['dynamodb:BatchGetItem', 'dynamodb:ConditionCheckItem', 'dynamodb:DescribeTable', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan'];
const WRITE = ['dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:DescribeTable', 'dynamodb:PutItem', 'dynamodb:UpdateItem'];
/** What reading a table's stream takes, on the stream's ARN. */
const STREAM_READ = ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'];
const expectedTableActions: Record<TableAccess, string[]> = { read: READ, write: WRITE, readWrite: [...new Set([...READ, ...WRITE])].sort() };

const STATE_MACHINE_ACTIONS = {
  start: ['states:StartExecution'],
  respond: ['states:SendTaskFailure', 'states:SendTaskHeartbeat', 'states:SendTaskSuccess'],
} as const;

function functionResource(built: Built, definition: FunctionDefinition) {
  return built.resource(built.functionLogicalId(definition.id));
}

function roleOf(built: Built, definition: FunctionDefinition): string {
  const role = getAttTarget(functionResource(built, definition).Properties.Role);
  if (!role) throw new Error(`${definition.id} has no role of this stack`);
  return role;
}

/** Which table a policy resource points at (the table ARN or one of its index ARNs), if any. */
function tableOfResource(built: Built, resource: unknown): { table: TableId; index?: string } | undefined {
  const text = JSON.stringify(resource);
  for (const table of tables) {
    const logicalId = built.tableLogicalId(table.id);
    if (!text.includes(`"${logicalId}"`)) continue;
    const index = /\/index\/([^"]+)"/.exec(text)?.[1];
    return index ? { table: table.id, index } : { table: table.id };
  }
  return undefined;
}

describe.each(functions.map((f) => [f.id, f] as const))('function %s', (id, definition) => {
  const statements = statementsOfRole(dev.template, roleOf(dev, definition));

  it('runs the declared entry on Node.js 22, ARM64, with its memory and timeout', () => {
    const fn = functionResource(dev, definition);
    expect(fn.Properties).toMatchObject({
      FunctionName: `order-to-cash-dev-${id}`,
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: definition.memoryMb ?? functionDefaults.memoryMb,
      Timeout: definition.timeoutSeconds ?? 10,
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: { LogGroup: { Ref: expect.stringContaining('FunctionLogs') } },
    });
  });

  it('gets the settings, the name of each declared table and the ARN of each declared machine, and nothing else', () => {
    const variables = (functionResource(dev, definition).Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    const expected: Record<string, unknown> = {
      ...settingsEnvironment(settingsFrom((key) => (key === 'seller' ? completeSeller : cdkJsonContext[key]))),
      NODE_OPTIONS: '--enable-source-maps',
      // The SES configuration set that reports bounces (lib/constructs/email-feedback.ts).
      ...(definition.sendsEmail ? { SES_CONFIGURATION_SET: 'order-to-cash-dev-email' } : {}),
      // The secret that signs pagination cursors, for the functions of routes that take a cursor (test/cdk/cursor-secret.test.ts).
      ...(routes.some((r) => r.functionId === definition.id && r.query?.cursor) ? { [CURSOR_SECRET_ENV]: expect.objectContaining({ 'Fn::Join': expect.any(Array) }) } : {}),
      // The event bus, for the functions that publish on it (lib/constructs/event-bus.ts).
      ...(definition.eventBus === 'publish' ? { [EVENT_BUS_ENV]: { Ref: expect.stringMatching(/^EventsBus/) } } : {}),
      // The customer portal's secrets and address (lib/constructs/customer-portal.ts).
      ...((PAY_LINK_FUNCTIONS as readonly string[]).includes(definition.id) ? { PAY_LINK_SECRET: expect.objectContaining({ 'Fn::Join': expect.any(Array) }) } : {}),
      ...((PORTAL_URL_FUNCTIONS as readonly string[]).includes(definition.id) ? { PORTAL_URL: expect.objectContaining({ 'Fn::Join': expect.any(Array) }) } : {}),
      ...((STRIPE_FUNCTIONS as readonly string[]).includes(definition.id)
        ? { STRIPE_SECRET_KEY: expect.objectContaining({ 'Fn::Join': expect.any(Array) }), STRIPE_WEBHOOK_SECRET: expect.objectContaining({ 'Fn::Join': expect.any(Array) }) }
        : {}),
    };
    for (const { table } of definition.tables) {
      expected[tables.find((t) => t.id === table)!.envVar] = { Ref: dev.tableLogicalId(table) };
    }
    for (const { bucket } of definition.buckets ?? []) {
      expected[bucketById(bucket).envVar] = { Ref: dev.bucketLogicalId(bucket) };
    }
    for (const { machine } of definition.stateMachines ?? []) {
      expected[stateMachineById(machine).envVar] = {
        'Fn::Join': ['', expect.arrayContaining([expect.stringMatching(new RegExp(`:stateMachine:dev-${stateMachineById(machine).name}$`))])],
      };
    }
    expect(variables).toEqual(expected);
  });

  it('has exactly the table actions of its declared access, on declared tables and indexes only', () => {
    const actual = new Map<TableId, { actions: Set<string>; indexes: Set<string> }>();
    for (const statement of statements) {
      for (const resource of asList(statement.Resource)) {
        const target = tableOfResource(dev, resource);
        if (!target) continue;
        const entry = actual.get(target.table) ?? { actions: new Set<string>(), indexes: new Set<string>() };
        const actions = asList(statement.Action);
        // Index ARNs only make sense for reads; a write action on an index would be a sloppy grant.
        if (target.index) {
          entry.indexes.add(target.index);
          expect(actions.filter((a) => !READ.includes(a)), `write actions granted on ${target.table} index ${target.index}`).toEqual([]);
        } else {
          actions.forEach((a) => entry.actions.add(a));
        }
        actual.set(target.table, entry);
      }
    }
    const expected = new Map(
      definition.tables.map(({ table, access }) => {
        const indexes = access === 'write' ? [] : tables.find((t) => t.id === table)!.indexes.map((i) => i.indexName);
        // The forwarder also reads the stream of the table it forwards (the Outbox).
        const stream = definition.id === FORWARDER_FUNCTION && tables.find((t) => t.id === table)!.stream ? STREAM_READ : [];
        return [table, { actions: [...expectedTableActions[access], ...stream].sort(), indexes: indexes.sort() }];
      }),
    );
    expect(
      Object.fromEntries([...actual].map(([table, e]) => [table, { actions: [...e.actions].sort(), indexes: [...e.indexes].sort() }])),
    ).toEqual(Object.fromEntries(expected));
  });

  it('has no statement besides its logs, X-Ray, declared tables, declared machines and declared email', () => {
    const ownLogGroup = (functionResource(dev, definition).Properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
    const unexpected = statements.filter((statement: PolicyStatementJson) => {
      const actions = asList(statement.Action);
      const resources = asList(statement.Resource);
      if (statement.Effect !== 'Allow') return true;
      if (resources.every((r) => tableOfResource(dev, r))) return false;
      if (actions.every((a) => a === 'logs:CreateLogStream' || a === 'logs:PutLogEvents')) {
        return !(resources.length === 1 && getAttTarget(resources[0]) === ownLogGroup);
      }
      if (actions.every((a) => a.startsWith('xray:'))) return !(resources.length === 1 && resources[0] === '*');
      if (actions.every((a) => a.startsWith('states:'))) {
        return !(definition.stateMachines ?? []).some(({ machine, access }) =>
          access === 'read'
            ? resources.length === 1 &&
              JSON.stringify(resources[0]).endsWith(`:execution:dev-${stateMachineById(machine).name}:*"]]}`) &&
              JSON.stringify([...actions].sort()) === JSON.stringify(['states:DescribeExecution', 'states:DescribeStateMachineForExecution', 'states:GetExecutionHistory'])
            : resources.length === 1 && JSON.stringify(resources[0]).endsWith(`:stateMachine:dev-${stateMachineById(machine).name}"]]}`),
        );
      }
      if (actions.every((a) => a.startsWith('ses:'))) return !definition.sendsEmail;
      if (actions.every((a) => a === 'events:PutEvents')) return !(definition.eventBus === 'publish' && resources.length === 1 && JSON.stringify(resources[0]).includes('EventsBus'));
      if (actions.every((a) => a.startsWith('s3:'))) return !isDeclaredBucketStatement(definition, statement);
      return true;
    });
    expect(unexpected).toEqual([]);
    // The only wildcard resource is X-Ray's, which supports no resource-level permissions (besides
    // the executions of a machine the function reads: their names are only known at run time).
    const wildcards = statements.filter((s) => JSON.stringify(s.Resource).includes('*') && !JSON.stringify(s.Resource).includes(':execution:') && !asList(s.Action).every((a) => a.startsWith('s3:')));
    expect(wildcards.flatMap((s) => asList(s.Action)).sort()).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
  });

  it('may use exactly the declared bucket prefixes: GetObject (and ListBucket under the prefix) to read, PutObject to write', () => {
    const granted = statements
      .filter((s) => asList(s.Action).every((a) => a.startsWith('s3:')))
      .map((s) => ({ actions: asList(s.Action).sort(), resource: JSON.stringify(s.Resource), condition: s.Condition }));
    const expected = (definition.buckets ?? []).flatMap(({ bucket, access, prefix }) => {
      const logicalId = dev.bucketLogicalId(bucket);
      const objects = { actions: [access === 'read' ? 's3:GetObject' : 's3:PutObject'], resource: JSON.stringify({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId, 'Arn'] }, `/${prefix}*`]] }), condition: undefined };
      const list = { actions: ['s3:ListBucket'], resource: JSON.stringify({ 'Fn::GetAtt': [logicalId, 'Arn'] }), condition: { StringLike: { 's3:prefix': [`${prefix}*`] } } };
      return access === 'read' ? [objects, list] : [objects];
    });
    const key = (g: { actions: string[]; resource: string }) => `${g.actions.join(',')} ${g.resource}`;
    expect([...granted].sort((a, b) => key(a).localeCompare(key(b)))).toEqual([...expected].sort((a, b) => key(a).localeCompare(key(b))));
  });

  it('may use each declared state machine exactly as declared', () => {
    const granted = statements
      .filter((s) => asList(s.Action).every((a) => a.startsWith('states:')))
      .flatMap((s) => asList(s.Action))
      .sort();
    const expected = (definition.stateMachines ?? [])
      .flatMap(({ access }) => (access === 'read' ? [] : [...STATE_MACHINE_ACTIONS[access]]))
      .sort();
    if (!(definition.stateMachines ?? []).some((m) => m.access === 'read')) expect(granted).toEqual(expected);
    else expect(granted).toEqual(expect.arrayContaining(expected));
  });

  it(definition.sendsEmail ? 'may send email from the configured identity only' : 'may not send email', () => {
    // The configuration set statement is tested with the email feedback (test/cdk/email-feedback.test.ts).
    const email = statements.filter((s) => asList(s.Action).some((a) => a.startsWith('ses:')) && s.Sid !== 'SendEmailWithConfigurationSet');
    if (!definition.sendsEmail) {
      expect(email).toEqual([]);
      return;
    }
    expect(email).toHaveLength(1);
    expect(asList(email[0]!.Action).sort()).toEqual(['ses:SendEmail', 'ses:SendRawEmail']);
    expect(JSON.stringify(email[0]!.Resource)).toMatch(/:identity\/billing@example\.com"\]\]\}$/);
    expect(email[0]!.Condition).toEqual({ StringEquals: { 'ses:FromAddress': 'billing@example.com' } });
  });
});

/** True when an S3 statement is one a bucket declaration of the function gives (checked in detail below). */
function isDeclaredBucketStatement(definition: FunctionDefinition, statement: PolicyStatementJson): boolean {
  const text = JSON.stringify(statement.Resource);
  return (definition.buckets ?? []).some(({ bucket, prefix }) => text.includes(`"${dev.bucketLogicalId(bucket)}"`) && (text.includes(`/${prefix}*`) || asList(statement.Action).join() === 's3:ListBucket'));
}

describe('functions', () => {
  it('one Lambda function per declared function, no others', () => {
    dev.template.resourceCountIs('AWS::Lambda::Function', functions.length);
  });

  it('grants state machine access on the ARN of the machine the stack creates', () => {
    for (const machine of stateMachines) {
      dev.template.hasResourceProperties('AWS::StepFunctions::StateMachine', { StateMachineName: `dev-${machine.name}` });
    }
  });

  it('an SES identity is created only when context createSesIdentity is true', () => {
    dev.template.resourceCountIs('AWS::SES::EmailIdentity', 0);
    const withIdentity = buildStack({ createSesIdentity: 'true' });
    withIdentity.template.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'billing@example.com' });
  });

  it('tracing can be switched off by context', () => {
    const untraced = buildStack({ tracing: 'false' });
    const fns = untraced.template.findResources('AWS::Lambda::Function');
    for (const fn of Object.values(fns) as { Properties: Record<string, unknown> }[]) expect(fn.Properties.TracingConfig).toBeUndefined();
  });
});
