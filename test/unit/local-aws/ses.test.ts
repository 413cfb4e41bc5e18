/**
 * The local SES keeps sent mail per data folder: the package's store lives in a module variable
 * that outlives a stopped server in the same process (the integration tests run every file in one
 * process), so a new stack must see only the mail its own data folder has sent.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import { startLocalSes, type LocalSes } from '../../../local-aws/ses';
import { freePort } from '../../../local-aws/ports';

const root = mkdtempSync(join(tmpdir(), 'otc-ses-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function start(folder: string): Promise<LocalSes> {
  return startLocalSes({ host: '127.0.0.1', port: await freePort(), mailFile: join(root, folder, 'emails.json') });
}

async function send(ses: LocalSes, subject: string) {
  const client = new SESClient({ endpoint: ses.endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  await client.send(
    new SendEmailCommand({
      Source: 'billing@example.com',
      Destination: { ToAddresses: ['anna@example.com'] },
      Message: { Subject: { Data: subject }, Body: { Text: { Data: 'hello' } } },
    }),
  );
  client.destroy();
}

describe('the local SES store', () => {
  it('shows a new stack only its own data folder\'s mail, and the saved mail again after a restart', async () => {
    const first = await start('a');
    await send(first, 'Payment reminder: INV-2027-000001');
    expect((await first.emails()).map((e) => e.subject)).toEqual(['Payment reminder: INV-2027-000001']);
    await first.stop();

    // Another stack in the same process, with its own (empty) data folder: no mail of the first.
    const second = await start('b');
    expect(await second.emails()).toEqual([]);
    await send(second, 'Invoice INV-2027-000001');
    expect((await second.emails()).map((e) => e.subject)).toEqual(['Invoice INV-2027-000001']);
    await second.stop();

    // The first data folder started again: exactly its own mail, kept across the restart.
    const again = await start('a');
    expect((await again.emails()).map((e) => e.subject)).toEqual(['Payment reminder: INV-2027-000001']);
    await again.stop();
  });
});
