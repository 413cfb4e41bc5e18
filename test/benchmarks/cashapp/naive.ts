/**
 * The yardstick of `npm run bench:cashapp`: a naive exact-reference matcher, timed in the same run
 * as `cashapp` on the same files.
 *
 *   npx tsx test/benchmarks/cashapp/naive.ts --open-items OPEN.csv --statement FILE --out FILE
 *
 * It reads the open items with the same CSV parser (csv-parse, streaming; each row checked as
 * `cashapp` checks it) into one Map from reference (invoice number and RF reference) to item, reads
 * the statement with the same streaming reader, and applies a credit line to an item only when the
 * line's structured reference or whole remittance text is exactly an item's reference and the
 * amount is at most its open balance; everything else is unapplied. It writes the same JSON Lines
 * records as `cashapp` (so the same scoring applies), and prints `naive: summary {...}` on stderr.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse';
import { formatAmount } from '../../../lambdas/core/money/money';
import { statementEncodingOf } from '../../../lambdas/core/bank-statements/decode';
import { readStatementStream } from '../../../lambdas/core/bank-statements/stream';
import { checkHeader, OPEN_ITEM_COLUMNS, openItemFromRow } from '../../../lambdas/core/cash-application/files';

const started = performance.now();
const seconds = (): string => ((performance.now() - started) / 1000).toFixed(1);

interface NaiveItem {
  readonly number: string;
  readonly currency: string;
  balance: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'open-items': { type: 'string' }, statement: { type: 'string' }, out: { type: 'string' } } });
  const openItemsPath = values['open-items'];
  const statementPath = values.statement;
  if (!openItemsPath || !statementPath || !values.out) throw new Error('usage: naive.ts --open-items OPEN.csv --statement FILE --out FILE');

  const byReference = new Map<string, NaiveItem>();
  let header: string[] | null = null;
  let rows = 0;
  const file = basename(openItemsPath);
  for await (const record of createReadStream(openItemsPath).pipe(parse({ bom: true, skip_empty_lines: true })) as AsyncIterable<string[]>) {
    if (header === null) {
      header = record.map((h) => h.trim());
      checkHeader(file, header, OPEN_ITEM_COLUMNS);
      continue;
    }
    const row: Record<string, string> = {};
    for (let i = 0; i < header.length; i++) row[header[i]!] = record[i] ?? '';
    const item = openItemFromRow(file, ++rows + 1, row);
    const naive: NaiveItem = { number: item.invoiceNumber, currency: item.currency, balance: item.balanceMinor };
    byReference.set(item.invoiceNumber, naive);
    if (item.rfReference) byReference.set(item.rfReference, naive);
  }
  process.stderr.write(`naive: ${rows} open items in a Map (${seconds()} s)\n`);

  const out = createWriteStream(values.out);
  let buffer = '';
  const counts = { lines: 0, applied: 0, unapplied: 0 };
  const encoding = await statementEncodingOf(createReadStream(statementPath));
  async function* text(): AsyncGenerator<string> {
    const decoder = new TextDecoder(encoding);
    for await (const chunk of createReadStream(statementPath!, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) yield decoder.decode(chunk, { stream: true });
    yield decoder.decode();
  }
  await readStatementStream(text(), async (line) => {
    if (line.direction !== 'credit') return;
    counts.lines++;
    const reference = (line.structuredReference ?? line.remittanceText).trim().toUpperCase().replace(/\s+/g, '');
    const item = byReference.get(reference);
    const amount = formatAmount({ minor: line.amountMinor, currency: line.currency });
    const applies = item !== undefined && item.currency === line.currency && line.amountMinor <= item.balance;
    if (applies) {
      item.balance -= line.amountMinor;
      counts.applied++;
    } else {
      counts.unapplied++;
    }
    const record = {
      line_id: line.lineId,
      amount,
      currency: line.currency,
      status: applies ? 'applied' : 'unapplied',
      allocations: applies ? [{ invoice_number: item.number, amount }] : [],
    };
    buffer += `${JSON.stringify(record)}\n`;
    if (buffer.length > 256 * 1024) {
      const flushed = buffer;
      buffer = '';
      if (!out.write(flushed)) await once(out, 'drain');
    }
  });
  out.end(buffer);
  await once(out, 'finish');
  const maxRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  process.stderr.write(`naive: summary ${JSON.stringify({ ...counts, openItems: rows, seconds: Number(seconds()), maxRssMb })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`naive: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
