/**
 * What finance and operations read in CloudWatch: one dashboard per stage with the business
 * metrics (as the Lambdas publish them) and the executions, and alarms on failed or timed-out
 * executions, function errors and throttles, and API 5XX.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { functions } from '../../lib/definitions/functions';
import { BUSINESS_METRICS_NAMESPACE, businessMetrics } from '../../lib/definitions/metrics';
import { stateMachines } from '../../lib/definitions/state-machines';
import { buildStack } from './fixture';

const dev = buildStack();
const prod = buildStack({ stage: 'prod' });

type Alarm = { Properties: { AlarmName: string; MetricName?: string; Namespace?: string; Threshold: number; ComparisonOperator: string; TreatMissingData: string; Dimensions?: { Name: string; Value: unknown }[] } };
const alarms = (built: typeof dev) => Object.values(built.template.findResources('AWS::CloudWatch::Alarm') as Record<string, Alarm>);

/** The dashboard body with its tokens (Fn::Join) flattened to text. */
function dashboardBody(built: typeof dev): string {
  const dashboards = Object.values(built.template.findResources('AWS::CloudWatch::Dashboard') as Record<string, { Properties: { DashboardBody: unknown; DashboardName: string } }>);
  expect(dashboards).toHaveLength(1);
  const body = dashboards[0]!.Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] };
  return body['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : JSON.stringify(part))).join('');
}

describe('CloudWatch dashboard', () => {
  it('is one per stage, named after it', () => {
    dev.template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'order-to-cash-dev-OrderToCash' });
    prod.template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'order-to-cash-prod-OrderToCash' });
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

  it('fire on errors and throttles of every function, each alarm on its own function', () => {
    for (const definition of functions) {
      const errors = byName.get(`order-to-cash-dev-${definition.id}Errors`);
      expect(errors).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: 'Errors', Threshold: 1, TreatMissingData: 'notBreaching' });
      expect(errors?.Dimensions).toEqual([{ Name: 'FunctionName', Value: { Ref: dev.functionLogicalId(definition.id) } }]);
      expect(byName.get(`order-to-cash-dev-${definition.id}Throttles`)).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: 'Throttles', Threshold: 1 });
    }
  });

  it('fire on API 5XX answers', () => {
    expect(byName.get('order-to-cash-dev-Api5XX')).toMatchObject({ Namespace: 'AWS/ApiGateway', MetricName: '5XXError', Threshold: 1 });
  });

  it('are exactly these, and the dashboard shows their status', () => {
    expect(alarms(dev)).toHaveLength(stateMachines.length * 2 + functions.length * 2 + 1);
    dev.template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardBody: Match.anyValue() });
  });
});
