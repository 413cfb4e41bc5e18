/**
 * Benchmark of POST /remittances on the local AWS. Starts its own local AWS (fresh data folder,
 * free ports) unless BENCH_URL points at a running one, imports N open items of C customers
 * (POST /invoices/import), builds a camt.054 with one credit line per item (RF references, loosely
 * written numbers, partial, over and short payments, unknown payers) and measures:
 *  1. the upload: seconds, lines per second, and the progress GET /remittances/{id} shows meanwhile;
 *  2. the same file uploaded again (every line found recorded, nothing applied);
 *  3. that the ledger check holds.
 * Usage: npm run bench:remittances -- [--lines 1000] [--customers 100]
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startLocalAws } from '../../local-aws/runtime';
import { rfReferenceFor } from '../../lambdas/core/invoices/invoice';
import { ApiDriver } from '../integration/support/api-driver';

const { values } = parseArgs({ options: { lines: { type: 'string', default: '1000' }, customers: { type: 'string', default: '100' } } });
const LINES = Number(values.lines);
const CUSTOMERS = Number(values.customers);

interface Item {
  number: string;
  customerId: string;
  balanceMinor: number;
}

const amount = (minor: number) => `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')}`;

/** One camt.054 entry: what the payer of `item` sent, by the kind of line `i` is. */
function entry(item: Item, i: number, prefix: string): string {
  const kind = i % 20;
  const seq = Number(item.number.split('-')[2]);
  let paid = item.balanceMinor;
  let remittance = '';
  let structured = '';
  let payer = `ACCT-${item.customerId}`;
  if (kind < 12) structured = rfReferenceFor(item.number);
  else if (kind < 16) remittance = `Rechnung ${prefix.toLowerCase()} 2025 ${seq}`;
  else if (kind === 16) [paid, structured] = [Math.floor(item.balanceMinor / 2), rfReferenceFor(item.number)];
  else if (kind === 17) [paid, remittance] = [item.balanceMinor + 1_000, `Invoice ${item.number}`];
  else if (kind === 18) [paid, remittance] = [item.balanceMinor - 100, `Invoice ${item.number}, less fees`];
  else [payer, remittance] = [`ACCT-UNKNOWN-${i}`, 'thank you'];
  return `
      <Ntry>
        <Amt Ccy="EUR">${amount(paid)}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><Dt>2026-03-12</Dt></BookgDt><ValDt><Dt>2026-03-12</Dt></ValDt>
        <NtryDtls><TxDtls>
          <Refs><AcctSvcrRef>BENCH-${prefix}-${i + 1}</AcctSvcrRef></Refs>
          <Amt Ccy="EUR">${amount(paid)}</Amt><CdtDbtInd>CRDT</CdtDbtInd>
          <RltdPties><Dbtr><Pty><Nm>Payer ${i % CUSTOMERS}</Nm></Pty></Dbtr><DbtrAcct><Id><Othr><Id>${payer}</Id></Othr></Id></DbtrAcct></RltdPties>
          <RmtInf>${remittance ? `<Ustrd>${remittance}</Ustrd>` : ''}${structured ? `<Strd><CdtrRefInf><Ref>${structured}</Ref></CdtrRefInf></Strd>` : ''}</RmtInf>
        </TxDtls></NtryDtls>
      </Ntry>`;
}

function camt054(prefix: string, items: readonly Item[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08">
  <BkToCstmrDbtCdtNtfctn>
    <GrpHdr><MsgId>BENCH-${prefix}</MsgId><CreDtTm>2026-03-12T18:00:00+01:00</CreDtTm></GrpHdr>
    <Ntfctn><Id>BENCH-${prefix}-1</Id><CreDtTm>2026-03-12T18:00:00+01:00</CreDtTm>
      <Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>EUR</Ccy></Acct>${items.map((item, i) => entry(item, i, prefix)).join('')}
    </Ntfctn>
  </BkToCstmrDbtCdtNtfctn>
</Document>
`;
}

async function upload(api: ApiDriver, financeKey: string, file: string) {
  const t = performance.now();
  const response = await fetch(`${api.baseUrl}/remittances`, { method: 'POST', headers: { 'x-api-key': financeKey, 'content-type': 'application/xml', 'idempotency-key': randomUUID() }, body: file, signal: AbortSignal.timeout(900_000) });
  const body = (await response.json()) as Record<string, unknown>;
  return { status: response.status, body, seconds: (performance.now() - t) / 1000 };
}

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  let stop = async () => undefined as void;
  let api: ApiDriver;
  let financeKey = 'local-finance-key';
  if (process.env.BENCH_URL) {
    api = new ApiDriver(process.env.BENCH_URL, { storefront: 'local-storefront-key', finance: financeKey });
  } else {
    const dataDir = mkdtempSync(join(tmpdir(), 'otc-bench-'));
    process.stderr.write('starting the local AWS...\n');
    const local = await startLocalAws({ ports: { gateway: 0, dynamodb: 0, ses: 0, stepFunctions: 0 }, dataDir });
    api = new ApiDriver(local.url, local.apiKeys);
    financeKey = local.apiKeys.finance;
    stop = async () => {
      await local.stop();
      rmSync(dataDir, { recursive: true, force: true });
    };
  }
  try {
    const prefix = Array.from({ length: 4 }, () => String.fromCharCode(65 + Math.floor(Math.random() * 26))).join('');
    process.stderr.write(`1/4 ${CUSTOMERS} customers and ${LINES} open items (POST /invoices/import)...\n`);
    const customers = Array.from({ length: CUSTOMERS }, (_, i) => `bench-${prefix.toLowerCase()}-${i}`);
    for (const customerId of customers) {
      const r = await api.registerCustomer(customerId, { name: `Bench Customer ${customerId}`, email: `${customerId}@example.com`, currency: 'EUR', creditLimit: '100000000.00', paymentTermsDays: 30 });
      if (r.status !== 201) throw new Error(`PUT customer answered ${r.status}`);
    }
    const items: Item[] = Array.from({ length: LINES }, (_, i) => ({
      number: `${prefix}-2025-${String(i + 1).padStart(6, '0')}`,
      customerId: customers[i % CUSTOMERS]!,
      balanceMinor: 10_000 + ((i * 7_919) % 900_000),
    }));
    const imported = await api.post(
      '/invoices/import',
      items.map((item) => ({ number: item.number, customerId: item.customerId, currency: 'EUR', total: amount(item.balanceMinor), balance: amount(item.balanceMinor), issueDate: '2026-02-01', dueDate: '2099-12-31' })),
      'finance',
    );
    if (imported.status !== 201) throw new Error(`import answered ${imported.status}: ${JSON.stringify(imported.body).slice(0, 500)}`);

    const file = camt054(prefix, items);
    process.stderr.write(`2/4 POST /remittances with ${LINES} lines (${(file.length / 1024).toFixed(0)} KiB)...\n`);
    const progress: string[] = [];
    let done = false;
    const first = upload(api, financeKey, file).finally(() => (done = true));
    // The id the upload gives the statement: from the file's identity (camt MsgId and statement id).
    const { statementIdOf } = await import('../../lambdas/core/cash-application/application');
    const { readStatementFile } = await import('../../lambdas/core/bank-statements/read-statement-file');
    const statementId = statementIdOf(readStatementFile(file), file);
    const t0 = performance.now();
    while (!done) {
      await new Promise((r) => setTimeout(r, 2_000));
      const seen = await api.get(`/remittances/${statementId}?limit=1`);
      if (seen.status === 200) progress.push(`${((performance.now() - t0) / 1000).toFixed(0)} s: ${String(seen.body.progress)}`);
    }
    const result = await first;
    if (result.status !== 201) throw new Error(`upload answered ${result.status}: ${JSON.stringify(result.body).slice(0, 500)}`);

    process.stderr.write('3/4 the same file again...\n');
    const again = await upload(api, financeKey, file);
    process.stderr.write('4/4 ledger check...\n');
    const check = await api.ledgerCheck();

    const lines = LINES;
    process.stdout.write(
      [
        `lines: ${lines} credit lines over ${CUSTOMERS} customers`,
        `first upload: ${result.seconds.toFixed(1)} s (${(lines / result.seconds).toFixed(1)} lines/s), counts ${JSON.stringify(result.body.counts)}`,
        `progress seen meanwhile: ${progress.join(', ') || '(finished before the first poll)'}`,
        `same file again: ${again.seconds.toFixed(1)} s, status ${again.status}, ${JSON.stringify(again.body.lastUpload)}`,
        `ledger check: balanced=${check.balanced} ${check.problems.join('; ')}`,
      ].join('\n') + '\n',
    );
  } finally {
    await stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
