/**
 * SES feedback for reminders: a configuration set that every email-sending function sends with
 * (`SES_CONFIGURATION_SET`), whose event destination publishes bounces and complaints to an SNS
 * topic (encrypted with a key of its own that SES may use; SSL enforced), to which
 * RecordEmailFeedback is subscribed. The sending functions may use the configuration set.
 */
import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { functions as functionDefinitions } from '../definitions/functions';
import { removalPolicyOf, resourceName, type DeploymentConfig } from './deployment-config';
import { sendEmailActions, type HandlerFunctions } from './handler-functions';

export interface EmailFeedbackProps {
  readonly config: DeploymentConfig;
  readonly functions: HandlerFunctions;
}

export class EmailFeedback extends Construct {
  readonly configurationSet: ses.ConfigurationSet;
  readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, { config, functions }: EmailFeedbackProps) {
    super(scope, id);
    const name = resourceName(config, 'email');
    this.configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', { configurationSetName: name });
    const key = new kms.Key(this, 'TopicKey', {
      description: 'Encrypts the SES feedback topic; SES may use it to publish',
      enableKeyRotation: true,
      removalPolicy: removalPolicyOf(config),
    });
    key.grant(new iam.ServicePrincipal('ses.amazonaws.com'), 'kms:GenerateDataKey*', 'kms:Decrypt');
    this.topic = new sns.Topic(this, 'Topic', { topicName: resourceName(config, 'EmailFeedback'), enforceSSL: true, masterKey: key });
    this.configurationSet.addEventDestination('BouncesAndComplaints', {
      destination: ses.EventDestination.snsTopic(this.topic),
      events: [ses.EmailSendingEvent.BOUNCE, ses.EmailSendingEvent.COMPLAINT],
    });
    this.topic.addSubscription(new subscriptions.LambdaSubscription(functions.function('RecordEmailFeedback')));

    const configurationSetArn = Stack.of(this).formatArn({ service: 'ses', resource: 'configuration-set', resourceName: name, arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
    for (const definition of functionDefinitions.filter((f) => f.sendsEmail)) {
      const fn = functions.function(definition.id);
      fn.addEnvironment('SES_CONFIGURATION_SET', name);
      fn.addToRolePolicy(new iam.PolicyStatement({ sid: 'SendEmailWithConfigurationSet', actions: [...sendEmailActions], resources: [configurationSetArn] }));
    }
  }
}
