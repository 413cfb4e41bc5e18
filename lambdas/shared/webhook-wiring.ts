/** The adapters of the webhook functions, from the environment the stack (or the local runtime) sets. */
import { documentClient } from '../adapters/dynamodb/document-client';
import { DynamoWebhookStore } from '../adapters/dynamodb/webhook-store';
import { FetchWebhookSender } from '../adapters/http/webhook-sender';
import { sfnClient, startNamedExecution } from '../adapters/stepfunctions/sfn-workflow';
import type { DeliveryStarter } from '../core/webhooks/webhooks';
import { stateMachineById } from '../../lib/definitions/state-machines';
import { requireEnv, tableName } from './config';
import { clock, newId } from './wiring';

export const webhookStore = () => new DynamoWebhookStore(documentClient(), tableName('Webhooks'));
export const webhookSender = () => new FetchWebhookSender();
export const webhookDeps = () => ({ webhooks: webhookStore(), clock, newId, stage: requireEnv('STAGE') });

/** Each delivery is a WebhookDelivery execution named from the subscription and the event id: started once. */
export function deliveryStarter(): DeliveryStarter {
  const arn = requireEnv(stateMachineById('WebhookDelivery').envVar);
  return { start: async (name, input) => ({ alreadyStarted: (await startNamedExecution(sfnClient(), arn, name, input)).alreadyStarted }) };
}
