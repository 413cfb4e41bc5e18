/**
 * Cash application from files, without any database:
 *
 *   npm run cashapp -- --open-items OPEN.csv --statement FILE [--customers CUSTOMERS.csv] [--out FILE]
 *
 * Reads the open items (and known customers) as CSV, streaming, and indexes them; then reads a bank
 * statement in any format the statement readers know as a stream (camt and CSV line by line), and
 * matches and writes out each credit line as it is read: one JSON object per line (JSON Lines) to
 * `--out` (complete or not at all: written to `--out.partial` and renamed at the end) or stdout. Progress and a summary go to stderr. Exit codes: 0 done, 2 bad input (a usage error, a
 * CSV row or statement that cannot be read: the message names file, line and field), 1 anything else.
 */
import { createReadStream, createWriteStream, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { parse, CsvError } from 'csv-parse';
import type { Writable } from 'node:stream';
import { decodeStatementChunks, statementEncodingOf } from '../lambdas/core/bank-statements/decode';
import { readStatementStream, type StreamedStatement } from '../lambdas/core/bank-statements/stream';
import { StatementParseError } from '../lambdas/core/bank-statements/statement';
import {
  CashApplication,
  CashApplicationFileError,
  CashApplicationInputError,
  checkHeader,
  CUSTOMER_COLUMNS,
  knownCustomerFromRow,
  OPEN_ITEM_COLUMNS,
  openItemFromRow,
  OPTIONAL_CUSTOMER_COLUMNS,
  toOutputRecord,
  type KnownCustomer,
} from '../lambdas/core/cash-application';
import { readAdviceCsv, RemittanceAdviceError, type RemittanceAdvice } from '../lambdas/core/cash-application/remittance-advice';

const USAGE = 'usage: npm run cashapp -- --open-items OPEN.csv --statement FILE [--customers CUSTOMERS.csv] [--advice ADVICE.csv|.pdf ...] [--out FILE] [--progress-every N]';

/** Bad input: reported in one line on stderr with exit code 2. */
class UsageError extends Error {}

const started = performance.now();
const seconds = (): string => ((performance.now() - started) / 1000).toFixed(1);
const log = (message: string): void => {
  process.stderr.write(`cashapp: ${message}\n`);
};

async function main(): Promise<void> {
  let parsedArgs;
  try {
    parsedArgs = parseArgs({
    options: {
      'open-items': { type: 'string' },
      statement: { type: 'string' },
      customers: { type: 'string' },
      out: { type: 'string' },
      'progress-every': { type: 'string' },
      advice: { type: 'string', multiple: true },
      help: { type: 'boolean' },
    },
    strict: true,
    allowPositionals: false,
  });
  } catch (error) {
    throw new UsageError(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  }
  const { values } = parsedArgs;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const openItemsPath = values['open-items'];
  const statementPath = values.statement;
  if (!openItemsPath || !statementPath) throw new UsageError(USAGE);
  const progressEvery = values['progress-every'] === undefined ? 10_000 : Number(values['progress-every']);
  if (!Number.isSafeInteger(progressEvery) || progressEvery <= 0) throw new UsageError('--progress-every must be a positive integer');
  for (const path of [openItemsPath, statementPath, values.customers, ...(values.advice ?? [])]) {
    if (path !== undefined && !isFile(path)) throw new UsageError(`${path}: no such file`);
  }

  // Columns whose values repeat across a million rows are interned: one string per distinct value.
  const openItemsFile = await readCsv(openItemsPath, OPEN_ITEM_COLUMNS, [], openItemFromRow, 'open items', ['customer_id', 'customer_name', 'currency', 'issue_date', 'due_date']);
  const openItems = openItemsFile.rows;
  const customersFile = values.customers
    ? await readCsv(values.customers, CUSTOMER_COLUMNS, OPTIONAL_CUSTOMER_COLUMNS, knownCustomerFromRow, 'customers')
    : { rows: [] as KnownCustomer[], file: '', lineOf: async (i: number) => i + 1 };
  const customers = customersFile.rows;

  let run: CashApplication;
  try {
    run = CashApplication.fromData({ openItems, customers });
  } catch (error) {
    if (error instanceof CashApplicationInputError) {
      const source = error.record === 'customer' ? customersFile : openItemsFile;
      throw new UsageError(`${source.file} line ${await source.lineOf(error.position + 1)}: ${error.message}`);
    }
    throw error;
  }
  log(`indexed ${openItems.length} open items and ${customers.length} customers (${seconds()} s)`);
  for (const path of values.advice ?? []) run.addAdvice(basename(path), await readAdvice(path));
  if (values.advice) log(`${values.advice.length} remittance advice${values.advice.length === 1 ? '' : 's'} read (${seconds()} s)`);

  // The statement is read as a stream and each line matched and written out as it is read. The
  // result goes to a temporary file renamed at the end: a statement refused halfway leaves none.
  const partial = values.out ? `${values.out}.partial` : null;
  const out: Writable = partial ? createWriteStream(partial) : process.stdout;
  const counts = { lines: 0, applied: 0, suggested: 0, unapplied: 0, debit: 0 };
  let buffer = '';
  let read: StreamedStatement;
  try {
    const encoding = await statementEncodingOf(createReadStream(statementPath));
    read = await readStatementStream(
      decoded(statementPath, encoding),
      async (line) => {
        const match = run.match(line);
        if (!match) {
          counts.debit++;
          return;
        }
        counts.lines++;
        counts[match.status]++;
        buffer += `${JSON.stringify(toOutputRecord(match))}\n`;
        if (buffer.length > 256 * 1024) {
          const flushed = buffer;
          buffer = '';
          if (!out.write(flushed)) await once(out, 'drain');
        }
        if (counts.lines % progressEvery === 0) log(`${counts.lines} credit lines read and matched (${seconds()} s)`);
      },
      { fileName: basename(statementPath) },
    );
  } catch (error) {
    if (partial) {
      out.end();
      await once(out, 'finish');
      rmSync(partial, { force: true });
    }
    if (error instanceof StatementParseError) throw new UsageError(`${statementPath}: ${error.message}`);
    throw error;
  }
  if (buffer !== '') out.write(buffer);
  if (partial && values.out) {
    out.end();
    await once(out, 'finish');
    renameSync(partial, values.out);
  }
  log(`statement ${basename(statementPath)} (${read.format}): ${read.lines} lines read (${seconds()} s)`);

  const maxRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  log(
    `${counts.lines} credit lines (${counts.debit} debit lines skipped): ${counts.applied} applied, ${counts.suggested} suggested, ${counts.unapplied} unapplied; ${seconds()} s; peak memory ${maxRssMb} MB`,
  );
  log(`summary ${JSON.stringify({ ...counts, openItems: openItems.length, seconds: Number(seconds()), maxRssMb })}`);
}

/** The file's text in chunks, decoded as it is read (as `readStatementFile` decodes the whole file). */
function decoded(path: string, encoding: string): AsyncGenerator<string> {
  return decodeStatementChunks(createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>, encoding);
}

async function readAdvice(path: string): Promise<RemittanceAdvice> {
  const bytes = readFileSync(path);
  try {
    if (bytes.subarray(0, 5).toString('latin1') !== '%PDF-') return readAdviceCsv(bytes.toString('utf8'));
    // Loaded only for a PDF advice: pdf.js's legacy build installs core-js polyfills of
    // Array.prototype.push and JSON.stringify that slow every line of a large run.
    const { readAdvicePdf } = await import('../lambdas/adapters/pdf/remittance-advice-pdf');
    return await readAdvicePdf(new Uint8Array(bytes));
  } catch (error) {
    if (error instanceof RemittanceAdviceError) throw new UsageError(`${basename(path)}: ${error.field}: ${error.message}`);
    throw error;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * Streams a CSV file through `toRow`, checking the header first; reports progress every 100,000
 * rows. Records are read as plain arrays (the fastest way through csv-parse) and counted; the exact
 * line of a record is worked out again only when one is wrong, since quoted fields may span lines.
 */
async function readCsv<T>(
  path: string,
  required: readonly string[],
  optional: readonly string[],
  toRow: (file: string, line: number, row: Readonly<Record<string, string>>) => T,
  what: string,
  interned: readonly string[] = [],
): Promise<{ rows: T[]; file: string; lineOf: (recordIndex: number) => Promise<number> }> {
  const file = basename(path);
  const rows: T[] = [];
  const lineOf = (recordIndex: number): Promise<number> => lineOfRecord(path, recordIndex);
  const parser = createReadStream(path).pipe(parse({ bom: true, skip_empty_lines: true }));
  let header: string[] | null = null;
  let pools: (Map<string, string> | undefined)[] = [];
  // The interned value of each column in the row before: dates and currencies mostly repeat it,
  // and comparing two short strings costs less than hashing one for the pool.
  let previous: string[] = [];
  let record: string[] | undefined;
  try {
    for await (record of parser as AsyncIterable<string[]>) {
      if (header === null) {
        header = record.map((h) => h.trim());
        checkHeader(file, header, required, optional);
        pools = header.map((name) => (interned.includes(name) ? new Map<string, string>() : undefined));
        previous = header.map(() => '');
        continue;
      }
      const row: Record<string, string> = {};
      for (let i = 0; i < header.length; i++) {
        const value = record[i] ?? '';
        const pool = pools[i];
        if (pool === undefined) {
          row[header[i]!] = value;
          continue;
        }
        let same = previous[i]!;
        if (value !== same) {
          same = pool.get(value)!;
          if (same === undefined) pool.set(value, (same = value));
          previous[i] = same;
        }
        row[header[i]!] = same;
      }
      try {
        rows.push(toRow(file, rows.length + 2, row));
      } catch (error) {
        // Say it again with the record's true line.
        if (error instanceof CashApplicationFileError) toRow(file, await lineOf(rows.length + 1), row);
        throw error;
      }
      if (rows.length % 100_000 === 0) log(`${what}: ${rows.length} rows read (${seconds()} s)`);
    }
  } catch (error) {
    if (error instanceof CashApplicationFileError) throw new UsageError(error.message);
    if (error instanceof CsvError) {
      const line = (error as CsvError & { lines?: number }).lines;
      throw new UsageError(`${file}${line === undefined ? '' : ` line ${line}`}: ${error.message}`);
    }
    throw error;
  }
  if (header === null) throw new UsageError(`${file}: the file is empty; expected the header ${required.join(',')}`);
  log(`${what}: ${rows.length} rows read from ${file} (${seconds()} s)`);
  return { rows, file, lineOf };
}

/** The line a data record (1-based, header not counted) starts on, reading the file again. */
async function lineOfRecord(path: string, recordIndex: number): Promise<number> {
  const parser = createReadStream(path).pipe(parse({ bom: true, skip_empty_lines: true, info: true, raw: true, relax_column_count: true }));
  let index = -1;
  for await (const { info, raw } of parser as AsyncIterable<{ info: { lines: number }; raw: string }>) {
    if (index++ === recordIndex - 1) {
      parser.destroy();
      return info.lines - (raw.replace(/^(\r?\n)+/, '').replace(/\r?\n$/, '').match(/\n/g)?.length ?? 0);
    }
  }
  return recordIndex + 1;
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    log(error.message);
    process.exitCode = 2;
  } else {
    log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  }
});
