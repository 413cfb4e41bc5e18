/**
 * What finance and operations read in the AWS console for one stage: a CloudWatch dashboard with
 * the business metrics the Lambdas publish (invoices issued, payments applied, lines applied
 * automatically, reminders sent, disputes opened), the state machines' executions, the functions'
 * errors and throttles and the API's answers; and alarms on failed or timed-out executions,
 * function errors, function throttles and API 5XX answers. Alarms have no action here: subscribe
 * them (SNS, chat) where the stage's operators are.
 */
import { Duration, NestedStack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { functions } from '../definitions/functions';
import { BUSINESS_METRICS_NAMESPACE, BUSINESS_METRICS_SERVICE, businessMetrics } from '../definitions/metrics';
import { stateMachines } from '../definitions/state-machines';
import { resourceName, type DeploymentConfig } from './deployment-config';
import type { HandlerFunctions } from './handler-functions';
import type { HttpApi } from './http-api';
import type { Workflows } from './workflows';

export interface ObservabilityProps {
  readonly config: DeploymentConfig;
  readonly functions: HandlerFunctions;
  readonly workflows: Workflows;
  readonly httpApi: HttpApi;
}

const FIVE_MINUTES = Duration.minutes(5);

/** A metric math expression of an alarm may use at most 10 metrics. */
export const FUNCTIONS_PER_ALARM = 10;

/**
 * A nested stack of its own: the alarms, the dashboard and their topic are about 35 resources, and
 * CloudFormation allows 500 per stack (`TooManyResourcesInStack`, checked at synth).
 */
export class Observability extends NestedStack {
  readonly dashboard: cloudwatch.Dashboard;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const { config } = props;
    const stage = config.settings.stage;
    const name = (suffix: string) => resourceName(config, suffix);
    const alarm = (id: string, metric: cloudwatch.IMetric, description: string, threshold = 1) => {
      const created = new cloudwatch.Alarm(this, id, {
        alarmName: name(id),
        alarmDescription: description,
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      this.alarms.push(created);
      return created;
    };

    const business = businessMetrics.map(
      (m) =>
        new cloudwatch.Metric({
          namespace: BUSINESS_METRICS_NAMESPACE,
          metricName: m.name,
          dimensionsMap: { service: BUSINESS_METRICS_SERVICE, stage },
          statistic: cloudwatch.Stats.SUM,
          period: Duration.hours(1),
          label: m.name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase(),
        }),
    );

    const machineWidgets = stateMachines.map((definition) => {
      const machine = props.workflows.stateMachine(definition.id);
      alarm(`${definition.id}ExecutionsFailed`, machine.metricFailed({ period: FIVE_MINUTES }), `${definition.name}: an execution failed (open it in the Step Functions console to see where)`);
      alarm(`${definition.id}ExecutionsTimedOut`, machine.metricTimedOut({ period: FIVE_MINUTES }), `${definition.name}: an execution timed out`);
      return new cloudwatch.GraphWidget({
        title: `${definition.name} executions`,
        left: [
          machine.metricStarted({ period: FIVE_MINUTES, label: 'started' }),
          machine.metricSucceeded({ period: FIVE_MINUTES, label: 'succeeded' }),
          machine.metricFailed({ period: FIVE_MINUTES, label: 'failed' }),
          machine.metricTimedOut({ period: FIVE_MINUTES, label: 'timed out' }),
          machine.metricAborted({ period: FIVE_MINUTES, label: 'aborted' }),
        ],
        width: 12,
      });
    });

    // Function errors and throttles: one alarm per group of functions (a metric math alarm sums at
    // most FUNCTIONS_PER_ALARM metrics), so the stack stays well below CloudFormation's 500
    // resources as functions are added; each alarm names its functions, the dashboard shows each one.
    const errors: cloudwatch.IMetric[] = [];
    const throttles: cloudwatch.IMetric[] = [];
    for (let start = 0, group = 1; start < functions.length; start += FUNCTIONS_PER_ALARM, group++) {
      const members = functions.slice(start, start + FUNCTIONS_PER_ALARM);
      const sum = (kind: 'Errors' | 'Throttles') =>
        new cloudwatch.MathExpression({
          expression: `SUM([${members.map((_, i) => `m${i}`).join(', ')}])`,
          usingMetrics: Object.fromEntries(
            members.map((definition, i) => {
              const fn = props.functions.function(definition.id);
              return [`m${i}`, kind === 'Errors' ? fn.metricErrors({ period: FIVE_MINUTES }) : fn.metricThrottles({ period: FIVE_MINUTES })];
            }),
          ),
          period: FIVE_MINUTES,
          label: `${kind} of ${members.map((m) => m.id).join(', ')}`,
        });
      const ids = members.map((m) => m.id).join(', ');
      alarm(`FunctionErrors${group}`, sum('Errors'), `A function failed, one of: ${ids} (see the functions' log group /order-to-cash/${config.settings.stage}/functions, streams named after the function)`);
      alarm(`FunctionThrottles${group}`, sum('Throttles'), `Invocations were throttled (concurrency limit reached), of one of: ${ids}`);
    }
    for (const definition of functions) {
      const fn = props.functions.function(definition.id);
      errors.push(fn.metricErrors({ period: FIVE_MINUTES, label: definition.id }));
      throttles.push(fn.metricThrottles({ period: FIVE_MINUTES, label: definition.id }));
    }

    const api = props.httpApi.api;
    const api5xx = api.metricServerError({ period: FIVE_MINUTES });
    alarm('Api5XX', api5xx, 'The HTTP API answered 5XX (a function failed or timed out)');

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: name('OrderToCash'),
      defaultInterval: Duration.days(7),
      widgets: [
        [
          new cloudwatch.TextWidget({
            markdown: `# Order-to-cash (${stage})\nBusiness events per hour; the state machines' executions (open one in Step Functions to follow an order or a dunning escalation); functions and API health. Alarms below.`,
            width: 24,
            height: 2,
          }),
        ],
        [
          new cloudwatch.SingleValueWidget({ title: 'Business events (last 24 hours)', metrics: business.map((m) => m.with({ period: Duration.days(1) })), width: 24, height: 4, setPeriodToTimeRange: false }),
        ],
        [new cloudwatch.GraphWidget({ title: 'Business events per hour', left: business, width: 24, stacked: false })],
        machineWidgets,
        [
          new cloudwatch.GraphWidget({ title: 'Function errors', left: errors, width: 12, legendPosition: cloudwatch.LegendPosition.RIGHT }),
          new cloudwatch.GraphWidget({ title: 'Function throttles', left: throttles, width: 12, legendPosition: cloudwatch.LegendPosition.RIGHT }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'API answers',
            left: [api.metricCount({ period: FIVE_MINUTES, label: 'requests' }), api.metricClientError({ period: FIVE_MINUTES, label: '4XX' }), api5xx.with({ label: '5XX' })],
            right: [api.metricLatency({ period: FIVE_MINUTES, statistic: 'p99', label: 'latency p99' })],
            width: 24,
          }),
        ],
        [new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: 8 })],
      ],
    });
  }
}
