import { afterEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { SendEmailCommand, SendRawEmailCommand, SESClient } from '@aws-sdk/client-ses';
import { simpleParser } from 'mailparser';
import { SesMailer } from '../../../lambdas/adapters/ses/ses-mailer';

const ses = mockClient(SESClient);
const client = new SESClient({ region: 'eu-central-1' });

afterEach(() => {
  ses.reset();
});

const pdf = new Uint8Array(Buffer.from('%PDF-1.7\n% not a real document, just bytes \u00ff\u0000\n%%EOF\n', 'latin1'));
const email = {
  to: 'ap@acme.example',
  subject: 'Rechnung INV-2026-000001',
  html: '<p>Guten Tag &lt;script&gt; &amp; Co, Ihre Rechnung über 899,40 €</p>',
  text: 'Guten Tag <script> & Co, Ihre Rechnung über 899,40 €',
  attachments: [{ filename: 'INV-2026-000001.pdf', contentType: 'application/pdf', content: pdf }],
};

describe('SesMailer with attachments', () => {
  it('sends one raw MIME message with the text, the HTML and the PDF, from the configured address', async () => {
    // Prepare
    ses.on(SendRawEmailCommand).resolves({ MessageId: 'ses-raw-1' });
    const mailer = new SesMailer(client, 'billing@example.com');

    // Act
    const messageId = await mailer.send(email);

    // Assess
    expect(messageId).toBe('ses-raw-1');
    expect(ses).toHaveReceivedCommandTimes(SendRawEmailCommand, 1);
    expect(ses).not.toHaveReceivedCommand(SendEmailCommand);
    const input = ses.commandCalls(SendRawEmailCommand)[0]!.args[0].input;
    expect(input).toMatchObject({ Source: 'billing@example.com', Destinations: ['ap@acme.example'] });
    const parsed = await simpleParser(Buffer.from(input.RawMessage!.Data!));
    expect(parsed.from?.text).toBe('billing@example.com');
    expect(Array.isArray(parsed.to) ? parsed.to[0]?.text : parsed.to?.text).toBe('ap@acme.example');
    expect(parsed.subject).toBe('Rechnung INV-2026-000001');
    expect(parsed.text?.trim()).toBe(email.text);
    expect(parsed.html).toBe(email.html);
    expect(parsed.attachments).toHaveLength(1);
    const [attachment] = parsed.attachments;
    expect(attachment).toMatchObject({ filename: 'INV-2026-000001.pdf', contentType: 'application/pdf', contentDisposition: 'attachment' });
    expect(Buffer.compare(attachment!.content, Buffer.from(pdf))).toBe(0);
  });

  it('fails when SES answers without a message id', async () => {
    // Prepare
    ses.on(SendRawEmailCommand).resolves({ MessageId: undefined as unknown as string });
    const mailer = new SesMailer(client, 'billing@example.com');

    // Act / Assess
    await expect(mailer.send(email)).rejects.toThrow('SES accepted the email without a message id');
  });

  it('keeps sending an email without attachments through SendEmail', async () => {
    // Prepare
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
    const mailer = new SesMailer(client, 'billing@example.com');

    // Act
    await mailer.send({ ...email, attachments: [] });

    // Assess
    expect(ses).toHaveReceivedCommandTimes(SendEmailCommand, 1);
    expect(ses).not.toHaveReceivedCommand(SendRawEmailCommand);
  });
});
