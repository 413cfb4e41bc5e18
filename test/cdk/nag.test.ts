/**
 * cdk-nag 3 is a policy validation plugin: its findings go to the validation report at synth, not
 * into construct annotations. So besides the annotation check, the AwsSolutions pack is run on the
 * app directly (`validateScope`) and a synth with the plugin registered (as bin/app.ts does) must
 * pass. A control stack with a known violation proves the check is not vacuous.
 */
import { App, Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import { functions } from '../../lib/definitions/functions';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { deploymentConfigFrom, stackName } from '../../lib/constructs/deployment-config';
import { OrderToCashStack } from '../../lib/order-to-cash-stack';
import { cdkJsonContext, completeSeller } from './fixture';

function appWithChecks(context: Record<string, unknown> = {}) {
  const app = new App({ context: { ...cdkJsonContext, seller: completeSeller, 'aws:cdk:bundling-stacks': [], allowMissingSources: true, ...context } });
  const config = deploymentConfigFrom(app.node);
  const stack = new OrderToCashStack(app, stackName(config.settings.stage), { config });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}

function violationsOf(scope: IConstruct): string[] {
  const report = new AwsSolutionsChecks().validateScope(scope);
  return report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} [${v.severity}] ${r.constructPath}`));
}

/** Every acknowledgement in the tree: rule id, reason and where. */
function acknowledgements(scope: IConstruct): { id: string; reason: string; path: string }[] {
  return scope.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) => Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({ id: id.replace(/^annotation::/i, ''), reason, path: construct.node.path }))),
  );
}

describe.each([['dev'], ['prod']])('cdk-nag AwsSolutions (%s)', (stage) => {
  it('has no unacknowledged AwsSolutions finding, error or warning', () => {
    const { app } = appWithChecks({ stage });
    expect(violationsOf(app)).toEqual([]);
  });

  it('synthesizes with the AwsSolutions plugin registered, and no AwsSolutions error annotations', () => {
    const { app, stack } = appWithChecks({ stage });
    expect(() => app.synth()).not.toThrow();
    expect(Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual([]);
    // A whole synth with the checks: about 20 s on an idle machine, over a minute on a loaded one.
  }, 180_000);

  it('acknowledges only the reviewed rules, each with a written reason', () => {
    const { app, stack } = appWithChecks({ stage });
    const acks = acknowledgements(app);
    for (const ack of acks) expect(ack.reason.length, `reason of ${ack.id} at ${ack.path}`).toBeGreaterThan(60);
    // Objects under one declared key prefix of a bucket (keys carry ids known at run time).
    const prefixGrants = functions.flatMap((f) =>
      (f.buckets ?? []).map((b) => `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(stack.buckets.bucket(b.bucket).node.defaultChild as CfnElement)}.Arn>/${b.prefix}*]`),
    );
    expect([...new Set(acks.map((a) => a.id))].sort()).toEqual([
      ...new Set(prefixGrants),
      // No access logs on the bucket of files handed in (reason at lib/constructs/data-buckets.ts).
      'AwsSolutions-S1',
      'AwsSolutions-APIG2',
      'AwsSolutions-APIG3',
      'AwsSolutions-COG4',
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      'AwsSolutions-IAM5[Resource::*]',
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:${stage}-OrderLifecycle:*]`,
      'AwsSolutions-L1',
      'AwsSolutions-SMG4',
      // The payment provider's webhook takes no credential: its function checks Stripe's signature (lib/constructs/http-api.ts).
      'AwsSolutions-APIG4',
      // The customer portal's CloudFront distribution of a static page (lib/constructs/customer-portal.ts).
      'AwsSolutions-CFR1',
      'AwsSolutions-CFR2',
      'AwsSolutions-CFR3',
      'AwsSolutions-CFR4',
      // CDK's BucketDeployment handler that copies the portal page into its bucket (reason at lib/constructs/customer-portal.ts).
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      ...['s3:Abort*', 's3:DeleteObject*', 's3:GetBucket*', 's3:GetObject*', 's3:List*'].map((a) => `AwsSolutions-IAM5[Action::${a}]`),
      `AwsSolutions-IAM5[Resource::<${stack.customerPortal.hosting.getLogicalId(stack.customerPortal.hosting.bucket.node.defaultChild as CfnElement)}.Arn>/*]`,
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]',
    ].sort());
  });
});

describe('cdk-nag check itself', () => {
  it('reports known violations (control: a table without point-in-time recovery, a role with a managed policy)', () => {
    const app = new App();
    const stack = new Stack(app, 'Control');
    new dynamodb.Table(stack, 'NoPitr', { partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING } });
    new iam.Role(stack, 'Managed', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaBasicExecutionRole')],
    });
    const violations = violationsOf(app);
    expect(violations.some((v) => v.startsWith('AwsSolutions-DDB3 [warning] Control/NoPitr'))).toBe(true);
    expect(violations.some((v) => v.startsWith('AwsSolutions-IAM4[Policy::') && v.includes('[error] Control/Managed'))).toBe(true);
  });

  it('without the API Gateway CloudWatch role there is no IAM4 acknowledgement left over', () => {
    const { app } = appWithChecks({ apiGatewayCloudWatchRole: 'false', tracing: 'false' });
    expect(violationsOf(app)).toEqual([]);
    expect(acknowledgements(app).map((a) => a.id)).not.toContain(
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
    );
  });
});
