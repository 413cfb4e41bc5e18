/**
 * The advice store on DynamoDB (`advice-store.ts`): a waiting advice records the payment it is being
 * applied to (conditionally: still waiting, and not claimed for another payment), and changes state
 * once; a failed condition is an answer (false), not an error.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoAdviceStore } from '../../../lambdas/adapters/dynamodb/advice-store';

const ddb = mockClient(DynamoDBDocumentClient);
const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-central-1' }));
const store = new DynamoAdviceStore(client, { statements: 'Statements' });

afterEach(() => {
  ddb.reset();
});

describe('DynamoAdviceStore', () => {
  it('claims a payment for a waiting advice only if it is unclaimed or claimed for that payment', async () => {
    // Prepare
    ddb.on(UpdateCommand).resolves({});

    // Act
    const claimed = await store.claim('adv-1', 'pay-9');

    // Assess
    expect(claimed).toBe(true);
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      TableName: 'Statements',
      Key: { statementId: 'advices', sk: 'advice#adv-1' },
      UpdateExpression: 'SET pendingPaymentId = :payment',
      ConditionExpression: '#status = :waiting AND (attribute_not_exists(pendingPaymentId) OR pendingPaymentId = :payment)',
      ExpressionAttributeValues: { ':payment': 'pay-9', ':waiting': 'waiting' },
    });
  });

  it('answers false when the advice is not waiting (or claimed for another payment), and marks used with the deductions', async () => {
    // Prepare
    ddb.on(UpdateCommand).rejectsOnce(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} })).resolves({});
    const use = {
      paymentId: 'pay-9',
      statementId: null,
      lineId: null,
      at: '2026-03-10T09:00:00.000Z',
      deductions: [{ invoiceId: 'I-3', invoiceNumber: 'INV-3', amountMinor: 400, reasonCode: 'AJ', booking: 'write-off' as const, why: 'INV-3: 4.00 EUR deducted' }],
    };

    // Act
    const refused = await store.claim('adv-1', 'pay-8');
    const used = await store.markUsed('adv-1', use);

    // Assess
    expect(refused).toBe(false);
    expect(used).toBe(true);
    expect(ddb).toHaveReceivedNthCommandWith(UpdateCommand, 2, {
      UpdateExpression: 'SET #status = :status, #field = :value',
      ConditionExpression: '#status = :waiting',
      ExpressionAttributeNames: { '#status': 'status', '#field': 'usedBy' },
      ExpressionAttributeValues: { ':status': 'used', ':value': use, ':waiting': 'waiting' },
    });
  });
});
