import { afterEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { MessageRejected, SendEmailCommand, SESClient } from '@aws-sdk/client-ses';
import { SesMailer } from '../../../lambdas/adapters/ses/ses-mailer';

const ses = mockClient(SESClient);
const client = new SESClient({ region: 'eu-central-1' });

afterEach(() => {
  ses.reset();
});

const email = { to: 'ap@acme.example', subject: 'Rechnung INV-2026-000001', html: '<p>Guten Tag &lt;b&gt;</p>', text: 'Guten Tag <b>' };

describe('SesMailer', () => {
  it('sends from the configured address to the customer, HTML with a text alternative, in UTF-8', async () => {
    // Prepare
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-message-1' });
    const mailer = new SesMailer(client, 'billing@example.com');

    // Act
    const messageId = await mailer.send(email);

    // Assess
    expect(messageId).toBe('ses-message-1');
    expect(ses).toHaveReceivedCommandExactlyOnceWith(SendEmailCommand, {
      Source: 'billing@example.com',
      Destination: { ToAddresses: ['ap@acme.example'] },
      Message: {
        Subject: { Data: 'Rechnung INV-2026-000001', Charset: 'UTF-8' },
        Body: { Html: { Data: '<p>Guten Tag &lt;b&gt;</p>', Charset: 'UTF-8' }, Text: { Data: 'Guten Tag <b>', Charset: 'UTF-8' } },
      },
    });
  });

  it('fails when SES answers without a message id', async () => {
    // Prepare
    ses.on(SendEmailCommand).resolves({ MessageId: undefined as unknown as string });
    const mailer = new SesMailer(client, 'billing@example.com');

    // Act / Assess
    await expect(mailer.send(email)).rejects.toThrow('SES accepted the email without a message id');
  });

  it('passes a rejection through', async () => {
    // Prepare
    const rejected = new MessageRejected({ message: 'Email address is not verified', $metadata: {} });
    ses.on(SendEmailCommand).rejects(rejected);
    const mailer = new SesMailer(client, 'billing@example.com');

    // Act / Assess
    await expect(mailer.send(email)).rejects.toBe(rejected);
  });
});
