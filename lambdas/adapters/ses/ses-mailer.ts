/** The mailer port on SES (v1 SendEmail): HTML with a plain-text alternative. */
import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import type { Mailer, OutgoingEmail } from '../../core/ports';

let shared: SESClient | undefined;

export function sesClient(): SESClient {
  shared ??= new SESClient({});
  return shared;
}

export class SesMailer implements Mailer {
  constructor(
    private readonly ses: SESClient,
    private readonly fromAddress: string,
  ) {}

  async send(email: OutgoingEmail): Promise<string> {
    const result = await this.ses.send(
      new SendEmailCommand({
        Source: this.fromAddress,
        Destination: { ToAddresses: [email.to] },
        Message: {
          Subject: { Data: email.subject, Charset: 'UTF-8' },
          Body: { Html: { Data: email.html, Charset: 'UTF-8' }, Text: { Data: email.text, Charset: 'UTF-8' } },
        },
      }),
      { abortSignal: AbortSignal.timeout(15_000) },
    );
    if (!result.MessageId) throw new Error('SES accepted the email without a message id');
    return result.MessageId;
  }
}
