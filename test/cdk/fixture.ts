/**
 * Builds the order-to-cash stack as `cdk synth` would (the context defaults of cdk.json plus the
 * overrides of a test) but without bundling, and offers lookups into the template by the ids of
 * lib/definitions, so tests derive their expectations from the declarations.
 */
import { nordlichtSeller } from '../support/sellers';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Stack, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import type { FunctionId } from '../../lib/definitions/functions';
import type { TableId } from '../../lib/definitions/tables';
import type { BucketId } from '../../lib/definitions/buckets';
import { deploymentConfigFrom, stackName } from '../../lib/constructs/deployment-config';
import { repositoryRoot } from '../../lib/constructs/repository';
import { OrderToCashStack } from '../../lib/order-to-cash-stack';

/** The `context` block of cdk.json: the defaults every `cdk synth` starts from. */
export const cdkJsonContext: Record<string, unknown> = (
  JSON.parse(fs.readFileSync(path.join(repositoryRoot, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }
).context;

/**
 * A complete seller (no placeholder of the example): a stage other than `local` refuses to
 * synthesize without one, so the tests give it as a deployer would.
 */
export const completeSeller = nordlichtSeller;

export interface Built {
  readonly app: App;
  readonly stack: OrderToCashStack;
  readonly template: Template;
  /** Logical id of a table's CloudFormation resource. */
  tableLogicalId(id: TableId): string;
  /** Logical id of a bucket's CloudFormation resource. */
  bucketLogicalId(id: BucketId): string;
  /** Logical id of a function's CloudFormation resource. */
  functionLogicalId(id: FunctionId): string;
  /** A resource of the template by logical id. */
  resource(logicalId: string): { Type: string; Properties: Record<string, unknown>; [key: string]: unknown };
}

/**
 * Builds the stack with `aws:cdk:bundling-stacks: []` (no esbuild run). `allowMissingSources` is on
 * by default so the infrastructure tests run while handlers or ASL are still being written; the
 * test "sources exist" checks them without it.
 */
export function buildStack(context: Record<string, unknown> = {}, options: { bundling?: boolean; outdir?: string } = {}): Built {
  const app = new App({
    context: {
      ...cdkJsonContext,
      seller: completeSeller,
      allowMissingSources: true,
      ...(options.bundling ? {} : { 'aws:cdk:bundling-stacks': [] }),
      ...context,
    },
    ...(options.outdir ? { outdir: options.outdir } : {}),
  });
  const config = deploymentConfigFrom(app.node);
  const stack = new OrderToCashStack(app, stackName(config.settings.stage), { config });
  const template = Template.fromStack(stack);
  const json = template.toJSON() as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
  const logicalIdOf = (construct: IConstruct): string => Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnElement);
  return {
    app,
    stack,
    template,
    tableLogicalId: (id) => logicalIdOf(stack.tables.table(id)),
    bucketLogicalId: (id) => logicalIdOf(stack.buckets.bucket(id)),
    functionLogicalId: (id) => logicalIdOf(stack.functions.function(id)),
    resource: (logicalId) => {
      const found = json.Resources[logicalId];
      if (!found) throw new Error(`No resource ${logicalId}`);
      return found;
    },
  };
}

export type PolicyStatementJson = {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
};

/** Every statement of every IAM policy attached to a role (by the role's logical id). */
export function statementsOfRole(template: Template, roleLogicalId: string): PolicyStatementJson[] {
  const policies = template.findResources('AWS::IAM::Policy') as Record<string, { Properties: { Roles: unknown[]; PolicyDocument: { Statement: PolicyStatementJson[] } } }>;
  const role = template.findResources('AWS::IAM::Role')[roleLogicalId] as { Properties?: { Policies?: { PolicyDocument: { Statement: PolicyStatementJson[] } }[] } } | undefined;
  return [
    ...(role?.Properties?.Policies ?? []).flatMap((policy) => policy.PolicyDocument.Statement),
    ...Object.values(policies)
      .filter((policy) => policy.Properties.Roles.some((r) => JSON.stringify(r) === JSON.stringify({ Ref: roleLogicalId })))
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement),
  ];
}

export const asList = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/** The logical id inside `{"Fn::GetAtt": [id, "Arn"]}`. */
export function getAttTarget(value: unknown): string | undefined {
  const getAtt = (value as { 'Fn::GetAtt'?: unknown[] } | undefined)?.['Fn::GetAtt'];
  return Array.isArray(getAtt) && typeof getAtt[0] === 'string' ? getAtt[0] : undefined;
}

/**
 * The template of a nested stack with each of its parameters replaced by what the parent stack
 * passes (`{"Ref": "referencetoX"}` becomes the parent's `{"Fn::GetAtt": [X, ...]}`), so tests can
 * follow references into the parent by logical id as if everything were one template.
 */
export function nestedTemplate(built: Built, nested: Stack): Template {
  const json = Template.fromStack(nested).toJSON() as { Parameters?: Record<string, unknown>; Resources: Record<string, unknown> };
  const parentResources = built.template.findResources('AWS::CloudFormation::Stack') as Record<string, { Properties: { Parameters?: Record<string, unknown> } }>;
  const nestedResourceId = built.stack.getLogicalId(nested.nestedStackResource as CfnElement);
  const passed = parentResources[nestedResourceId]?.Properties.Parameters ?? {};
  const substitute = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(substitute);
    if (value && typeof value === 'object') {
      const entries = Object.entries(value as Record<string, unknown>);
      if (entries.length === 1 && entries[0]![0] === 'Ref' && typeof entries[0]![1] === 'string' && entries[0]![1] in passed) return passed[entries[0]![1]];
      return Object.fromEntries(entries.map(([k, v]) => [k, substitute(v)]));
    }
    return value;
  };
  return Template.fromJSON({ ...json, Resources: substitute(json.Resources) as Record<string, unknown> });
}
