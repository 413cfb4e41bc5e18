/**
 * What finance and operations read in CloudWatch: one dashboard per stage with the business
 * metrics (as the Lambdas publish them) and the executions, and alarms on failed or timed-out
 * executions, function errors and throttles, and API 5XX.
 */
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { functions } from '../../lib/definitions/functions';
import { BUSINESS_METRICS_NAMESPACE, businessMetrics } from '../../lib/definitions/metrics';
import { stateMachines } from '../../lib/definitions/state-machines';
import { FUNCTIONS_PER_ALARM } from '../../lib/constructs/observability';
import { buildStack } from './fixture';

const dev = buildStack();
const prod = buildStack({ stage: 'prod' });

type MetricQuery = { Id: string; Expression?: string; MetricStat?: { Metric: { MetricName: string; Namespace: string; Dimensions: { Name: string; Value: unknown }[] } }; ReturnData?: boolean };
type Alarm = {
  Properties: { AlarmName: string; MetricName?: string; Namespace?: string; Threshold: number; ComparisonOperator: string; TreatMissingData: string; Dimensions?: { Name: string; Value: unknown }[]; Metrics?: MetricQuery[] };
};
const alarms = (built: typeof dev) => Object.values(Template.fromStack(built.stack.observability).findResources('AWS::CloudWatch::Alarm') as Record<string, Alarm>);

/** What a nested stack parameter of the Observability stack (`{"Ref": <parameter>}`) is given in the parent stack. */
function parentValueOf(built: typeof dev, value: unknown): unknown {
  const parameter = (value as { Ref?: string }).Ref;
  const nested = Object.values(built.template.findResources('AWS::CloudFormation::Stack') as Record<string, { Properties: { Parameters?: Record<string, unknown> } }>);
  for (const stack of nested) if (parameter && stack.Properties.Parameters?.[parameter] !== undefined) return stack.Properties.Parameters[parameter];
  return value;
}

/** The dashboard body with its tokens (Fn::Join) flattened to text. */
function dashboardBody(built: typeof dev): string {
  const dashboards = Object.values(Template.fromStack(built.stack.observability).findResources('AWS::CloudWatch::Dashboard') as Record<string, { Properties: { DashboardBody: unknown; DashboardName: string } }>);
  expect(dashboards).toHaveLength(1);
  const body = dashboards[0]!.Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] };
  return body['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : JSON.stringify(part))).join('');
}

describe('CloudWatch dashboard', () => {
  it('is one per stage, named after it', () => {
    Template.fromStack(dev.stack.observability).hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'order-to-cash-dev-OrderToCash' });
    Template.fromStack(prod.stack.observability).hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'order-to-cash-prod-OrderToCash' });
  });

  it('shows every business metric from the namespace and dimensions the Lambdas publish with', () => {
    const body = dashboardBody(dev);
    for (const metric of businessMetrics) expect(body).toContain(`"${BUSINESS_METRICS_NAMESPACE}","${metric.name}","service","order-to-cash","stage","dev"`);
    expect(dashboardBody(prod)).toContain('"stage","prod"');
  });

  it("shows each state machine's executions, the functions' errors and throttles, and the API", () => {
    const body = dashboardBody(dev);
    for (const machine of stateMachines) expect(body).toContain(`${machine.name} executions`);
    for (const metric of ['ExecutionsStarted', 'ExecutionsSucceeded', 'ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsAborted']) expect(body).toContain(`"AWS/States","${metric}"`);
    expect(body).toContain('"AWS/Lambda","Errors"');
    expect(body).toContain('"AWS/Lambda","Throttles"');
    expect(body).toContain('"AWS/ApiGateway","5XXError"');
    expect(body).toContain('"type":"alarm"');
  });
});

describe('alarms', () => {
  const byName = new Map(alarms(dev).map((a) => [a.Properties.AlarmName, a.Properties]));

  it('fire on any failed or timed-out execution of every state machine', () => {
    for (const machine of stateMachines) {
      expect(byName.get(`order-to-cash-dev-${machine.id}ExecutionsFailed`)).toMatchObject({ Namespace: 'AWS/States', MetricName: 'ExecutionsFailed', Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
      expect(byName.get(`order-to-cash-dev-${machine.id}ExecutionsTimedOut`)).toMatchObject({ Namespace: 'AWS/States', MetricName: 'ExecutionsTimedOut', Threshold: 1 });
    }
  });

  it('fire on errors and on throttles of any function: each function summed in exactly one alarm of each', () => {
    for (const kind of ['Errors', 'Throttles']) {
      const groups = [...byName.entries()].filter(([name]) => name.startsWith(`order-to-cash-dev-Function${kind}`)).map(([, p]) => p);
      expect(groups).toHaveLength(Math.ceil(functions.length / FUNCTIONS_PER_ALARM));
      const summed: unknown[] = [];
      for (const alarm of groups) {
        expect(alarm).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching' });
        const queries = alarm.Metrics ?? [];
        const stats = queries.filter((q) => q.MetricStat);
        expect(stats.length).toBeLessThanOrEqual(FUNCTIONS_PER_ALARM);
        expect(queries.find((q) => q.ReturnData !== false)?.Expression).toBe(`SUM([${stats.map((q) => q.Id).join(', ')}])`);
        for (const q of stats) {
          expect(q.MetricStat!.Metric).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: kind });
          summed.push(q.MetricStat!.Metric.Dimensions[0]!.Value);
        }
      }
      // The alarms live in the Observability nested stack: a function's name reaches it as a parameter
      // whose value, in the parent stack, is the function's Ref.
      expect(summed.map((value) => parentValueOf(dev, value))).toEqual(functions.map((f) => ({ Ref: dev.functionLogicalId(f.id) })));
    }
  });

  it('fire on API 5XX answers', () => {
    expect(byName.get('order-to-cash-dev-Api5XX')).toMatchObject({ Namespace: 'AWS/ApiGateway', MetricName: '5XXError', Threshold: 1 });
  });

  it('are exactly these, and the dashboard shows their status', () => {
    expect(alarms(dev)).toHaveLength(stateMachines.length * 2 + Math.ceil(functions.length / FUNCTIONS_PER_ALARM) * 2 + 1);
    Template.fromStack(dev.stack.observability).hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardBody: Match.anyValue() });
  });
});
