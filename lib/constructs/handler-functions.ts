/**
 * One Lambda function per entry of `functions` (lib/definitions/functions.ts), bundled by esbuild
 * from its `entry` into one ESM file, on Node.js 22 / ARM64, with its own role and log group, and
 * exactly the access it declares: tables through {@link bindTable}, state machines through
 * {@link bindStateMachine}, SES through {@link allowSendEmail}.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Annotations, ArnFormat, Duration, Stack, Token, Validations, type CfnElement } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { functionDefaults, functions, type FunctionDefinition, type FunctionId, type TableAccess } from '../definitions/functions';
import { CURSOR_SECRET_ENV, settingsEnvironment } from '../definitions/settings';
import { routes } from '../definitions/routes';
import { stateMachineById, type StateMachineId } from '../definitions/state-machines';
import { tableById, type TableDefinition } from '../definitions/tables';
import type { DataTables } from './data-tables';
import type { DataBuckets } from './data-buckets';
import { bucketById } from '../definitions/buckets';
import { removalPolicyOf, resourceName, stateMachineName, type DeploymentConfig } from './deployment-config';
import { repositoryRoot } from './repository';
import { stateMachineArnFor } from './workflows';

/**
 * A function's execution role whose grants are written into the role itself (one inline policy,
 * `access`), not into a separate `AWS::IAM::Policy` resource as CDK does by default: the same
 * permissions, one CloudFormation resource per function fewer, which keeps the stack under the 500
 * resources CloudFormation allows per stack (`TooManyResourcesInStack`, checked at synth).
 */
class InlinePolicyRole extends iam.Role {
  private readonly access: iam.PolicyDocument;

  constructor(scope: Construct, id: string, props: iam.RoleProps) {
    const access = new iam.PolicyDocument();
    super(scope, id, { ...props, inlinePolicies: { ...props.inlinePolicies, access } });
    this.access = access;
  }

  override addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    this.access.addStatements(statement);
    return { statementAdded: true, policyDependable: this };
  }
}

/**
 * DynamoDB actions per declared access. Reads include ConditionCheckItem (a condition inside a
 * transaction); TransactWriteItems/TransactGetItems are authorized by these per-item actions.
 * No stream actions: no table has a stream.
 */
export const tableActions: Readonly<Record<TableAccess, readonly string[]>> = (() => {
  const read = ['dynamodb:BatchGetItem', 'dynamodb:ConditionCheckItem', 'dynamodb:DescribeTable', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan'];
  const write = ['dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:DescribeTable', 'dynamodb:PutItem', 'dynamodb:UpdateItem'];
  return { read, write, readWrite: [...new Set([...read, ...write])].sort() };
})();

/** What `read` access to a state machine allows, on its executions only (no List* or Describe* on "*"). */
export const readExecutionActions = ['states:DescribeExecution', 'states:DescribeStateMachineForExecution', 'states:GetExecutionHistory'] as const;

/** Actions of the SES identity a `sendsEmail` function may use. */
export const sendEmailActions = ['ses:SendEmail', 'ses:SendRawEmail'] as const;

/** Runs before the bundle so CommonJS dependencies that `require` Node built-ins work in ESM. */
const esmRequireBanner = "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

export interface HandlerFunctionsProps {
  readonly config: DeploymentConfig;
  readonly tables: DataTables;
  readonly buckets: DataBuckets;
  /** ARN of the SES identity (`sesIdentity`) the `sendsEmail` functions may send from. */
  readonly sesIdentityArn: string;
}

export class HandlerFunctions extends Construct {
  private readonly byId = new Map<FunctionId, NodejsFunction>();
  /**
   * The one log group of every function: Lambda names each log stream after its function
   * (`YYYY/MM/DD/<function name>[<version>]<environment id>`), so each function's lines stay apart,
   * and the stack needs one log group instead of one per function (CloudFormation allows 500
   * resources per stack).
   */
  readonly logGroup: logs.LogGroup;
  private readonly machineRefs = new Map<StateMachineId, sfn.IStateMachine>();
  /** Handler entries that did not exist at synth time (only possible with `allowMissingSources`). */
  readonly missingEntries: string[] = [];
  /** The secret that signs the API's pagination cursors, given to the functions of routes that take a `cursor`. */
  readonly cursorSecret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, private readonly props: HandlerFunctionsProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'FunctionLogs', {
      logGroupName: `/order-to-cash/${props.config.settings.stage}/functions`,
      retention: props.config.logRetention,
      removalPolicy: removalPolicyOf(props.config),
    });
    this.cursorSecret = new secretsmanager.Secret(this, 'CursorSecret', {
      secretName: resourceName(props.config, 'CursorSecret'),
      description: 'Signs the pagination cursors of the order-to-cash API (HMAC-SHA256): a cursor that was not made with it is refused',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: removalPolicyOf(props.config),
    });
    Validations.of(this.cursorSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The cursor secret reaches the functions as an environment variable resolved at deploy time, so a ' +
        'rotation only takes effect with the next deployment, and it then only invalidates the pagination ' +
        'cursors callers hold (they start their list again). Rotate it by deploying after updating the secret.',
    });
    for (const definition of functions) this.byId.set(definition.id, this.createFunction(definition));
    for (const functionId of new Set(routes.filter((r) => r.query?.cursor).map((r) => r.functionId))) {
      this.function(functionId).addEnvironment(CURSOR_SECRET_ENV, this.cursorSecret.secretValue.unsafeUnwrap());
    }

    Validations.of(this).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 is the runtime the handlers are built and tested for (esbuild target node22, ESM ' +
        'output, the AWS SDK v3 the runtime provides); moving to Node.js 24 is a deliberate upgrade ' +
        'with its own test run, not a side effect of a CDK release.',
    });
  }

  /** The function created for a declared function id. */
  function(id: FunctionId): NodejsFunction {
    const fn = this.byId.get(id);
    if (!fn) throw new Error(`No function ${id}`);
    return fn;
  }

  private createFunction(definition: FunctionDefinition): NodejsFunction {
    const { config, tables } = this.props;
    const name = resourceName(config, definition.id);
    const logGroup = this.logGroup;
    // Own role without the AWSLambdaBasicExecutionRole managed policy: writing to the functions' log group only.
    const role = new InlinePolicyRole(this, `${definition.id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${name}`,
    });
    logGroup.grantWrite(role);

    const fn = new NodejsFunction(this, definition.id, {
      functionName: name,
      description: definition.description,
      entry: this.entryOf(definition),
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: definition.memoryMb ?? functionDefaults.memoryMb,
      timeout: Duration.seconds(definition.timeoutSeconds ?? functionDefaults.timeoutSeconds),
      role,
      logGroup,
      tracing: config.tracing ? lambda.Tracing.ACTIVE : lambda.Tracing.DISABLED,
      environment: {
        ...settingsEnvironment(config.settings),
        NODE_OPTIONS: '--enable-source-maps',
      },
      projectRoot: repositoryRoot,
      depsLockFilePath: path.join(repositoryRoot, 'package-lock.json'),
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        mainFields: ['module', 'main'],
        minify: true,
        // Error classes are told apart by name in the handlers; minifying must not rename them.
        keepNames: true,
        sourceMap: true,
        sourcesContent: false,
        // The Node.js 22 runtime provides the AWS SDK v3.
        externalModules: ['@aws-sdk/*'],
        banner: esmRequireBanner,
      },
    });

    for (const { table, access } of definition.tables) bindTable(fn, tables, tableById(table), access);
    for (const { machine, access } of definition.stateMachines ?? []) this.bindStateMachine(fn, machine, access);
    for (const grant of definition.buckets ?? []) bindBucket(fn, this.props.buckets, grant);
    if (definition.sendsEmail) allowSendEmail(fn, this.props.sesIdentityArn, config.settings.sesFromAddress);

    if (config.tracing) {
      Validations.of(role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Added by CDK for active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords do not ' +
          'support resource-level permissions. Every other statement of this role names its resources ' +
          '(tested in test/cdk/functions.test.ts).',
      });
    }
    return fn;
  }

  private entryOf(definition: FunctionDefinition): string {
    const entry = path.join(repositoryRoot, definition.entry);
    if (fs.existsSync(entry)) return entry;
    if (!this.props.config.allowMissingSources) {
      throw new Error(`Function ${definition.id}: handler entry ${definition.entry} does not exist (context allowMissingSources=true bundles a failing stub)`);
    }
    this.missingEntries.push(definition.entry);
    Annotations.of(this).addWarningV2(`order-to-cash:missing-handler:${definition.id}`, `${definition.entry} is missing: ${definition.id} is bundled from a stub that fails every call`);
    return path.join(repositoryRoot, 'lib/constructs/missing-handler.ts');
  }

  /**
   * Lets the function start executions of a machine, answer its task tokens or read it, and tells
   * it the machine's ARN in the machine's `envVar`. The ARN is built from the machine's fixed name
   * (see `stateMachineArnFor`), so a function that is also a task of the machine makes no cycle.
   */
  private bindStateMachine(fn: NodejsFunction, machineId: StateMachineId, access: 'start' | 'respond' | 'read'): void {
    const definition = stateMachineById(machineId);
    let machine = this.machineRefs.get(machineId);
    if (!machine) {
      machine = sfn.StateMachine.fromStateMachineArn(this, `${machineId}Ref`, stateMachineArnFor(this, this.props.config, definition));
      this.machineRefs.set(machineId, machine);
    }
    fn.addEnvironment(definition.envVar, machine.stateMachineArn);
    if (access === 'start') machine.grantStartExecution(fn);
    else if (access === 'respond') machine.grantTaskResponse(fn);
    else this.allowReadExecutions(fn, definition);
  }

  /**
   * Lets the function read the executions of a machine (status, definition, history), and nothing
   * else of Step Functions. Execution names are not known in advance (`order-<orderId>`), so the
   * resource is every execution of that one machine.
   */
  private allowReadExecutions(fn: NodejsFunction, definition: ReturnType<typeof stateMachineById>): void {
    const executions = Stack.of(this).formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: `${stateMachineName(this.props.config, definition.name)}:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    fn.addToRolePolicy(new iam.PolicyStatement({ sid: `Read${definition.id}Executions`, actions: [...readExecutionActions], resources: [executions] }));
    // cdk-nag names the finding by the ARN as synthesized: a concrete region or account, or its pseudo parameter.
    const stack = Stack.of(this);
    const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
    const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
    Validations.of(fn.role!).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:${region}:${account}:execution:${stateMachineName(this.props.config, definition.name)}:*]`,
      reason:
        'Reading the executions of one state machine (the finance console draws an order\'s execution): ' +
        'execution names are only known at run time, so the resource is that machine\'s executions, ' +
        'and the actions are the three read-only ones (describe, its definition, its history).',
    });
  }
}

/**
 * Grants the function exactly `access` to one table and sets the table's `envVar` to its name:
 * the only way functions learn about tables, so a variable never exists without its grant. Reads
 * cover the table and each declared index by name; writes cover the table (they never apply to indexes).
 */
export function bindTable(fn: lambda.Function, tables: DataTables, definition: TableDefinition, access: TableAccess): void {
  const table = tables.table(definition.id);
  fn.addEnvironment(definition.envVar, table.tableName);
  if (access === 'read' || access === 'readWrite') {
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: `Read${definition.id}`,
        actions: [...tableActions.read],
        resources: [table.tableArn, ...tables.indexArns(definition)],
      }),
    );
  }
  if (access === 'write' || access === 'readWrite') {
    fn.addToRolePolicy(new iam.PolicyStatement({ sid: `Write${definition.id}`, actions: [...tableActions.write], resources: [table.tableArn] }));
  }
}

/** S3 actions per declared bucket access, on the objects under the declared prefix. */
export const bucketActions = { read: ['s3:GetObject'], write: ['s3:PutObject'] } as const;

/**
 * Grants the function `access` to the objects under one key prefix of a bucket and sets the
 * bucket's `envVar` to its name. `read` also lists the bucket under that prefix only, so that a
 * missing object answers 404 (not 403) and the function can tell "not uploaded yet" from a refusal.
 */
export function bindBucket(fn: lambda.Function, buckets: DataBuckets, grant: NonNullable<FunctionDefinition['buckets']>[number]): void {
  const definition = bucketById(grant.bucket);
  const bucket = buckets.bucket(grant.bucket);
  fn.addEnvironment(definition.envVar, bucket.bucketName);
  const objects = bucket.arnForObjects(`${grant.prefix}*`);
  fn.addToRolePolicy(new iam.PolicyStatement({ actions: [...bucketActions[grant.access]], resources: [objects] }));
  if (grant.access === 'read') {
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn], conditions: { StringLike: { 's3:prefix': [`${grant.prefix}*`] } } }));
  }
  const logicalId = Stack.of(bucket).getLogicalId(bucket.node.defaultChild as CfnElement);
  Validations.of(fn.role!).acknowledge({
    id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>/${grant.prefix}*]`,
    reason:
      `Objects under one key prefix of the ${definition.id} bucket (${grant.prefix}): their keys carry an ` +
      'upload, statement or import id only known at run time, so the resource names the prefix, with ' +
      `the one action the declaration gives (${grant.access}).`,
  });
}

/** Lets the function send email from the configured SES identity, and only with the configured From address. */
export function allowSendEmail(fn: lambda.Function, identityArn: string, fromAddress: string): void {
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      sid: 'SendEmailFromConfiguredIdentity',
      actions: [...sendEmailActions],
      resources: [identityArn],
      conditions: { StringEquals: { 'ses:FromAddress': fromAddress } },
    }),
  );
}
