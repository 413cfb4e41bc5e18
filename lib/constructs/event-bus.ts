/**
 * The stack's event bus (`lib/definitions/events.ts`): an EventBridge bus; the Outbox table's
 * stream as the event source of the forwarder (batches retried until the records expire, split in
 * halves on failure, so nothing written is lost); every function declaring `eventBus: 'publish'`
 * may PutEvents on this bus only and learns its name; one rule per declared rule, with its function
 * as the target (EventBridge retries a failed target for a day).
 */
import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Construct } from 'constructs';
import { EVENT_BUS_ENV, eventRules, FORWARDER_FUNCTION, OUTBOX_STREAM } from '../definitions/events';
import { functions } from '../definitions/functions';
import { resourceName, type DeploymentConfig } from './deployment-config';
import type { DataTables } from './data-tables';
import type { HandlerFunctions } from './handler-functions';

export interface EventBusProps {
  readonly config: DeploymentConfig;
  readonly tables: DataTables;
  readonly functions: HandlerFunctions;
}

export class DomainEventBus extends Construct {
  readonly bus: events.EventBus;
  readonly rules = new Map<string, events.Rule>();

  constructor(scope: Construct, id: string, props: EventBusProps) {
    super(scope, id);
    const { config } = props;
    this.bus = new events.EventBus(this, 'Bus', { eventBusName: resourceName(config, 'Events'), description: 'Domain events of order-to-cash (OrderPlaced.v1, InvoiceIssued.v1, ...)' });

    for (const definition of functions.filter((f) => f.eventBus === 'publish')) {
      const fn = props.functions.function(definition.id);
      this.bus.grantPutEventsTo(fn);
      fn.addEnvironment(EVENT_BUS_ENV, this.bus.eventBusName);
    }

    props.functions.function(FORWARDER_FUNCTION).addEventSource(
      new DynamoEventSource(props.tables.table('Outbox'), {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: OUTBOX_STREAM.batchSize,
        maxBatchingWindow: Duration.seconds(OUTBOX_STREAM.maxBatchingWindowSeconds),
        bisectBatchOnError: true,
        filters: [lambda.FilterCriteria.filter({ eventName: lambda.FilterRule.isEqual('INSERT') })],
      }),
    );

    for (const rule of eventRules) {
      this.rules.set(
        rule.id,
        new events.Rule(this, rule.id, {
          eventBus: this.bus,
          description: rule.description,
          eventPattern: { source: [...rule.pattern.source], ...(rule.pattern['detail-type'] ? { detailType: [...rule.pattern['detail-type']] } : {}) },
          targets: [new targets.LambdaFunction(props.functions.function(rule.target.functionId), { retryAttempts: 185, maxEventAge: Duration.hours(24) })],
        }),
      );
    }
  }
}
