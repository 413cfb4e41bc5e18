/**
 * One Step Functions state machine per entry of `stateMachines` (lib/definitions/state-machines.ts):
 * the ASL file loaded with `DefinitionBody.fromFile`, its `${Name}` placeholders filled from the
 * declared substitutions, STANDARD type, a fixed name, logs (ALL, without execution data) and X-Ray.
 * Its role may invoke exactly the substituted functions, read/write exactly the substituted tables
 * and start exactly the substituted state machines.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ArnFormat, CfnOutput, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { stateMachineById, stateMachines, type StateMachineDefinition, type StateMachineId } from '../definitions/state-machines';
import type { DataTables } from './data-tables';
import { removalPolicyOf, stateMachineName, type DeploymentConfig } from './deployment-config';
import type { HandlerFunctions } from './handler-functions';
import { repositoryRoot } from './repository';

/** The DynamoDB service integrations a state machine may call on a substituted table. */
export const stateMachineTableActions = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'] as const;

/**
 * The ARN of a state machine built from its fixed name, without referencing the machine resource.
 * Functions that are tasks of a machine and also answer its task tokens get their grants on this
 * ARN; referencing the machine itself would make machine -> function -> policy -> machine a cycle.
 */
export function stateMachineArnFor(scope: Construct, config: DeploymentConfig, definition: StateMachineDefinition): string {
  return Stack.of(scope).formatArn({
    service: 'states',
    resource: 'stateMachine',
    resourceName: stateMachineName(config, definition.name),
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

export interface WorkflowsProps {
  readonly config: DeploymentConfig;
  readonly tables: DataTables;
  readonly functions: HandlerFunctions;
}

export class Workflows extends Construct {
  private readonly byId = new Map<StateMachineId, sfn.StateMachine>();
  /** ASL files that did not exist at synth time (only possible with `allowMissingSources`). */
  readonly missingDefinitions: string[] = [];

  constructor(scope: Construct, id: string, props: WorkflowsProps) {
    super(scope, id);
    const { config, tables, functions } = props;

    for (const definition of stateMachines) {
      const name = stateMachineName(config, definition.name);
      const scopeOfMachine = new Construct(this, definition.id);
      const logGroup = new logs.LogGroup(scopeOfMachine, 'Logs', {
        // The vendedlogs prefix keeps the CloudWatch Logs resource policy small as machines are added.
        logGroupName: `/aws/vendedlogs/states/${name}`,
        retention: config.logRetention,
        removalPolicy: removalPolicyOf(config),
      });

      const substitutions: Record<string, string> = {};
      const invokedFunctions: string[] = [];
      const usedTables: string[] = [];
      const startedMachines: string[] = [];
      for (const [placeholder, substitution] of Object.entries(definition.substitutions)) {
        if (substitution.kind === 'functionArn') {
          const fn = functions.function(substitution.functionId);
          substitutions[placeholder] = fn.functionArn;
          invokedFunctions.push(fn.functionArn);
        } else if (substitution.kind === 'stateMachineArn') {
          const arn = stateMachineArnFor(this, config, stateMachineById(substitution.stateMachineId));
          substitutions[placeholder] = arn;
          startedMachines.push(arn);
        } else {
          const table = tables.table(substitution.tableId);
          substitutions[placeholder] = table.tableName;
          usedTables.push(table.tableArn);
        }
      }

      const machine = new sfn.StateMachine(scopeOfMachine, 'StateMachine', {
        stateMachineName: name,
        stateMachineType: sfn.StateMachineType.STANDARD,
        definitionBody: this.definitionBody(definition, config),
        definitionSubstitutions: substitutions,
        logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
        tracingEnabled: true,
        removalPolicy: removalPolicyOf(config),
      });
      // Exactly the functions substituted, unqualified: no `:*` version wildcard.
      if (invokedFunctions.length > 0) {
        machine.addToRolePolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: invokedFunctions }));
      }
      // The ASL calls arn:aws:states:::dynamodb:updateItem (and get/put) directly on these tables.
      if (usedTables.length > 0) {
        machine.addToRolePolicy(new iam.PolicyStatement({ actions: [...stateMachineTableActions], resources: usedTables }));
      }
      // The ASL starts these machines with arn:aws:states:::states:startExecution (no .sync).
      if (startedMachines.length > 0) {
        machine.addToRolePolicy(new iam.PolicyStatement({ actions: ['states:StartExecution'], resources: startedMachines }));
      }
      Validations.of(machine.role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Added by CDK for logging and tracing: CloudWatch Logs vended delivery (logs:CreateLogDelivery, ' +
          'logs:DescribeResourcePolicies, ...) and X-Ray (xray:PutTraceSegments, ...) do not support ' +
          'resource-level permissions, so Step Functions requires Resource "*" for them.',
      });

      this.byId.set(definition.id, machine);
      new CfnOutput(this, `${definition.id}StateMachineArn`, {
        key: `${definition.id}StateMachineArn`,
        value: machine.stateMachineArn,
        description: `ARN of the ${definition.name} state machine`,
      });
    }
  }

  /** The state machine created for a declared machine id. */
  stateMachine(id: StateMachineId): sfn.StateMachine {
    const machine = this.byId.get(id);
    if (!machine) throw new Error(`No state machine ${id}`);
    return machine;
  }

  private definitionBody(definition: StateMachineDefinition, config: DeploymentConfig): sfn.DefinitionBody {
    const file = path.join(repositoryRoot, definition.file);
    if (fs.existsSync(file)) return sfn.DefinitionBody.fromFile(file);
    if (!config.allowMissingSources) {
      throw new Error(`State machine ${definition.id}: ASL file ${definition.file} does not exist (context allowMissingSources=true builds a failing placeholder)`);
    }
    this.missingDefinitions.push(definition.file);
    return sfn.DefinitionBody.fromString(
      JSON.stringify({
        Comment: `Placeholder: ${definition.file} was missing at synth time`,
        StartAt: 'DefinitionMissing',
        States: { DefinitionMissing: { Type: 'Fail', Error: 'DefinitionMissing', Cause: `${definition.file} was missing at synth time` } },
      }),
    );
  }
}
