/**
 * The mailer port on SES v1: HTML with a plain-text alternative through SendEmail; an email with
 * attachments as a MIME message (built by nodemailer's MailComposer) through SendRawEmail.
 */
import { SESClient, SendEmailCommand, SendRawEmailCommand } from '@aws-sdk/client-ses';
import MailComposer from 'nodemailer/lib/mail-composer';
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
    /** The SES configuration set whose event destination reports bounces and complaints (none: no feedback). */
    private readonly configurationSetName?: string,
  ) {}

  async send(email: OutgoingEmail): Promise<string> {
    if (email.attachments?.length) return this.sendRaw(email);
    const result = await this.ses.send(
      new SendEmailCommand({
        Source: this.fromAddress,
        Destination: { ToAddresses: [email.to] },
        ...(this.configurationSetName ? { ConfigurationSetName: this.configurationSetName } : {}),
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

  private async sendRaw(email: OutgoingEmail): Promise<string> {
    const raw = await new MailComposer({
      from: this.fromAddress,
      to: email.to,
      subject: email.subject,
      text: email.text,
      html: email.html,
      textEncoding: 'quoted-printable',
      attachments: (email.attachments ?? []).map((a) => ({
        filename: a.filename,
        contentType: a.contentType,
        content: Buffer.from(a.content.buffer, a.content.byteOffset, a.content.byteLength),
      })),
    })
      .compile()
      .build();
    const result = await this.ses.send(
      new SendRawEmailCommand({
        Source: this.fromAddress,
        Destinations: [email.to],
        RawMessage: { Data: raw },
        ...(this.configurationSetName ? { ConfigurationSetName: this.configurationSetName } : {}),
      }),
      { abortSignal: AbortSignal.timeout(15_000) },
    );
    if (!result.MessageId) throw new Error('SES accepted the email without a message id');
    return result.MessageId;
  }
}
