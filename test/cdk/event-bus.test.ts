/**
 * The event bus of lib/definitions/events.ts on AWS: one EventBridge bus; the Outbox table's stream
 * (new images) as the forwarder's event source, new items only, failing batches split and retried;
 * one rule per declared rule with its function as the target, retried for a day.
 */
import { describe, expect, it } from 'vitest';
import { Match } from 'aws-cdk-lib/assertions';
import { EVENT_SOURCE, eventRules, FORWARDER_FUNCTION, OUTBOX_STREAM } from '../../lib/definitions/events';
import { buildStack } from './fixture';

const dev = buildStack();

describe('the domain event bus', () => {
  it('is one bus named after the stage', () => {
    dev.template.resourceCountIs('AWS::Events::EventBus', 1);
    dev.template.hasResourceProperties('AWS::Events::EventBus', { Name: 'order-to-cash-dev-Events' });
  });

  it('the Outbox table has a stream of new images, read by the forwarder from its start: inserts only, batches split on failure', () => {
    dev.template.hasResourceProperties('AWS::DynamoDB::GlobalTable', { TableName: 'order-to-cash-dev-Outbox', StreamSpecification: { StreamViewType: 'NEW_IMAGE' } });
    const mappings = dev.template.findResources('AWS::Lambda::EventSourceMapping');
    expect(Object.keys(mappings)).toHaveLength(1);
    const mapping = Object.values(mappings)[0] as { Properties: Record<string, unknown> };
    expect(mapping.Properties).toMatchObject({
      FunctionName: { Ref: expect.stringContaining(FORWARDER_FUNCTION) },
      EventSourceArn: { 'Fn::GetAtt': [expect.stringContaining('Outbox'), 'StreamArn'] },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: OUTBOX_STREAM.batchSize,
      BisectBatchOnFunctionError: true,
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ eventName: ['INSERT'] }) }] },
    });
    // No MaximumRetryAttempts: the default retries until the records expire, so no event is dropped.
    expect(mapping.Properties).not.toHaveProperty('MaximumRetryAttempts');
  });

  it.each(eventRules.map((r) => [r.id, r] as const))('rule %s matches its pattern on the bus and invokes its function, retried for a day', (_id, rule) => {
    dev.template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: Match.stringLikeRegexp('^EventsBus') },
      EventPattern: { source: [EVENT_SOURCE] },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp(rule.target.functionId), 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 } })],
    });
  });
});
