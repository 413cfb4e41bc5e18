/**
 * SES feedback on AWS: the sending functions send with a configuration set whose bounces and
 * complaints go to an encrypted SNS topic that RecordEmailFeedback is subscribed to.
 */
import { describe, expect, it } from 'vitest';
import { functions } from '../../lib/definitions/functions';
import { asList, buildStack, getAttTarget, statementsOfRole } from './fixture';

const dev = buildStack();

describe('SES feedback', () => {
  it('publishes bounces and complaints of the configuration set to the feedback topic', () => {
    dev.template.hasResourceProperties('AWS::SES::ConfigurationSet', { Name: 'order-to-cash-dev-email' });
    const destinations = Object.values(dev.template.findResources('AWS::SES::ConfigurationSetEventDestination')) as { Properties: any }[];
    expect(destinations).toHaveLength(1);
    expect(dev.resource(destinations[0]!.Properties.ConfigurationSetName.Ref).Properties.Name).toBe('order-to-cash-dev-email');
    expect(destinations[0]!.Properties).toMatchObject({
      EventDestination: { Enabled: true, MatchingEventTypes: ['bounce', 'complaint'], SnsDestination: { TopicARN: { Ref: expect.any(String) } } },
    });
    const topicId = destinations[0]!.Properties.EventDestination.SnsDestination.TopicARN.Ref as string;
    expect(dev.resource(topicId).Properties).toMatchObject({ TopicName: 'order-to-cash-dev-EmailFeedback', KmsMasterKeyId: expect.anything() });
  });

  it('delivers the topic to RecordEmailFeedback', () => {
    const subscriptions = Object.values(dev.template.findResources('AWS::SNS::Subscription')) as { Properties: any }[];
    expect(subscriptions.map((s) => [s.Properties.Protocol, getAttTarget(s.Properties.Endpoint)])).toContainEqual(['lambda', dev.functionLogicalId('RecordEmailFeedback')]);
  });

  it('lets every email-sending function send with the configuration set, and tells it its name', () => {
    for (const definition of functions.filter((f) => f.sendsEmail)) {
      const fn = dev.resource(dev.functionLogicalId(definition.id));
      expect((fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables.SES_CONFIGURATION_SET, definition.id).toBe('order-to-cash-dev-email');
      const roleId = getAttTarget(fn.Properties.Role)!;
      const statement = statementsOfRole(dev.template, roleId).find((s) => s.Sid === 'SendEmailWithConfigurationSet');
      expect(statement, definition.id).toBeDefined();
      expect(asList(statement!.Action)).toEqual(['ses:SendEmail', 'ses:SendRawEmail']);
      expect(JSON.stringify(statement!.Resource)).toContain(':configuration-set/order-to-cash-dev-email');
    }
  });
});
