/**
 * Reading a statement file as a stream of text: each line is handed out as soon as it is read, so
 * a large file is matched and written out while it is read and never held whole. The same readers
 * and rules as {@link readStatementFile}; this is its streaming twin. Pure: text chunks in (any
 * async iterable), lines out; no I/O of its own.
 */
import { Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { Bai2Reader } from './bai2';
import { CamtReader, DocumentStartTag, MAX_CAMT_HEAD, type StatementHeader } from './camt';
import { Warnings } from './common';
import { checkCsvHeader, csvRowDraft } from './csv';
import { Mt940Reader } from './mt940';
import { MAX_LEADING_WHITE_SPACE, shortened, statementFormatOf, StatementTotals } from './read-statement-file';
import { StatementParseError, type StatementFormat, type StatementLine, type StatementWarning } from './statement';

/** The file without its lines (they went to the callback), as {@link readStatementStream} ends. */
export interface StreamedStatement {
  readonly format: StatementFormat;
  readonly version: string | null;
  readonly statements: readonly StatementHeader[];
  readonly fileIdentity: string | null;
  readonly warnings: readonly StatementWarning[];
  /** How many lines were handed out. */
  readonly lines: number;
}

/** Hands out one line; may wait (the caller writing its result out) before the next is read. */
export type StatementLineCallback = (line: StatementLine, statement: StatementHeader) => void | Promise<void>;

/** The head of the file that recognises its format (see `statementFormatOf`). */
const HEAD_CHARACTERS = 64 * 1024;
/** How far a camt file's head may run before its root element's start tag must be complete. */
const MAX_XML_HEAD = MAX_CAMT_HEAD;

/**
 * Reads a statement file from its text chunks, handing each line to `onLine` in file order as soon
 * as it is read: camt.052/053/054 through the streaming XML reader (one entry held at a time),
 * CSV row by row, MT940/MT942 and BAI2 line by line (one transaction with its `:86:` or 88 lines
 * held at a time; see `Mt940Reader` and `Bai2Reader`).
 *
 * What callers may rely on: the lines, headers, warnings and errors are those
 * {@link readStatementFile} gives for the same text (errors with the file name when given). A file
 * that turns out bad throws a {@link StatementParseError} at its end or when the bad row is met;
 * lines handed out before stay valid readings, but the file as a whole is refused, so a caller
 * that must apply all or nothing keeps its results until this returns.
 */
export async function readStatementStream(chunks: AsyncIterable<string>, onLine: StatementLineCallback, options: { fileName?: string } = {}): Promise<StreamedStatement> {
  const named = (error: unknown): unknown => {
    if (!(error instanceof StatementParseError)) return error;
    const message = shortened(options.fileName ? `${options.fileName}: ${error.message}` : error.message);
    return new StatementParseError(message, options.fileName ? { ...error.location, file: options.fileName } : error.location);
  };
  const iterator = chunks[Symbol.asyncIterator]();
  let head = '';
  /** The head as it came: handed to the reader chunk by chunk, so its lines go out as they are read. */
  const headChunks: string[] = [];
  const startTag = new DocumentStartTag();
  let tagComplete = false;
  /** The head's first character that is not white space (a BOM counts as white space), '' until one came. */
  let firstCharacter = '';
  /** Where in the head that character is: the format is recognised from what follows it. */
  let firstAt = 0;
  let done = false;
  for (;;) {
    // From the chunks, not the head: trimming the growing head at each of many small chunks is quadratic.
    const xml = firstCharacter === '<';
    // Nothing but white space for more than the file may start with: the format check refuses it, as the whole-file reading does.
    const content = head.length - firstAt;
    const enough = (firstCharacter !== '' && content >= HEAD_CHARACTERS && (!xml || content >= MAX_XML_HEAD || tagComplete)) || (firstCharacter === '' ? head.length : firstAt) > MAX_LEADING_WHITE_SPACE;
    if (enough) break;
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    if (firstCharacter === '') {
      const first = /\S/.exec(next.value);
      if (first) {
        firstCharacter = first[0];
        firstAt = head.length + first.index;
      }
    }
    head += next.value;
    headChunks.push(next.value);
    tagComplete = startTag.add(next.value);
  }
  const rest = async function* (): AsyncGenerator<string> {
    for (let i = 0; i < headChunks.length; i++) {
      const chunk = headChunks[i]!;
      headChunks[i] = ''; // read once: not kept for the rest of the file
      yield chunk;
    }
    if (done) return;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  };
  let format: ReturnType<typeof statementFormatOf>;
  try {
    format = statementFormatOf(head);
    head = ''; // the chunks in `headChunks` carry it on
    if (format === 'camt') return await readCamtStream(rest(), onLine);
    if (format === 'csv') return await readCsvStream(rest(), onLine);
  } catch (error) {
    throw named(error);
  }
  try {
    return await readLineStream(format, rest(), onLine);
  } catch (error) {
    throw named(error);
  }
}

/**
 * MT940/MT942 and BAI2 line by line through their streaming readers (the readers `readStatementFile`
 * uses): each statement line is handed out as soon as it is complete, with the reconciliation of
 * each statement's balances summed as the lines pass.
 */
async function readLineStream(format: 'mt940' | 'bai2', chunks: AsyncIterable<string>, onLine: StatementLineCallback): Promise<StreamedStatement> {
  const pending: [StatementLine, StatementHeader][] = [];
  const totals = new Map<StatementHeader, StatementTotals>();
  const sink = (line: StatementLine, statement: StatementHeader): void => {
    pending.push([line, statement]);
  };
  const warnings = new Warnings();
  const reader = format === 'bai2' ? new Bai2Reader(sink, warnings) : new Mt940Reader(sink, warnings);
  let lines = 0;
  // A statement's header may still change until it ends (MT940 names its closing balance after its
  // lines): the running sums start from the opening balance the header has when its first line comes.
  const handOut = async (): Promise<void> => {
    for (const [line, statement] of pending) {
      let total = totals.get(statement);
      if (!total) totals.set(statement, (total = new StatementTotals(statement)));
      total.add(line);
      await onLine(line, statement);
    }
    lines += pending.length;
    pending.length = 0;
  };
  for await (const chunk of chunks) {
    reader.write(chunk);
    await handOut();
  }
  const file = reader.close();
  await handOut();
  const reconciliation = file.statements.flatMap((statement) => (totals.get(statement) ?? new StatementTotals(statement)).warnings());
  return { format: file.format, version: file.version, statements: file.statements, fileIdentity: file.fileIdentity, warnings: [...file.warnings, ...reconciliation], lines };
}

async function readCamtStream(chunks: AsyncIterable<string>, onLine: StatementLineCallback): Promise<StreamedStatement> {
  const pending: [StatementLine, StatementHeader][] = [];
  const totals: StatementTotals[] = [];
  const reader = new CamtReader(
    {
      line: (line, statementIndex, statement) => {
        (totals[statementIndex] ??= new StatementTotals(statement)).add(line);
        pending.push([line, statement]);
      },
    },
    new Warnings(),
  );
  let lines = 0;
  for await (const chunk of chunks) {
    reader.write(chunk);
    for (const [line, statement] of pending) await onLine(line, statement);
    lines += pending.length;
    pending.length = 0;
  }
  const file = reader.close();
  const reconciliation = file.statements.flatMap((statement, i) => (totals[i] ?? new StatementTotals(statement)).warnings());
  return { ...file, warnings: [...file.warnings, ...reconciliation], lines };
}

/** A CSV statement row by row (csv-parse's streaming parser); see `readCsv` for the rules. */
async function readCsvStream(chunks: AsyncIterable<string>, onLine: StatementLineCallback): Promise<StreamedStatement> {
  const normalized = async function* (): AsyncGenerator<string> {
    // Line ends as `readCsv` reads them: CR LF and CR are LF (a CR at a chunk's end waits for the next).
    let carry = '';
    let first = true;
    for await (const chunk of chunks) {
      let text = carry + chunk;
      if (first) {
        text = text.replace(/^\uFEFF/, '');
        first = false;
      }
      carry = text.endsWith('\r') ? '\r' : '';
      if (carry) text = text.slice(0, -1);
      yield text.replace(/\r\n?/g, '\n');
    }
    if (carry) yield '\n';
  };
  const parser = Readable.from(normalized()).pipe(parse({ info: true, raw: true, skip_empty_lines: true, relax_column_count: false }));
  // The statement's currency is known only at the end (all rows in one currency, else none).
  const statement: StatementHeader = { statementId: null, account: null, currency: null, openingBalanceMinor: null, closingBalanceMinor: null };
  const currencies = new Set<string>();
  let index = 0;
  let lines = 0;
  let headerSeen = false;
  try {
    for await (const { record, info, raw } of parser as AsyncIterable<{ record: string[]; info: { lines: number }; raw: string }>) {
      const line = info.lines - (raw.replace(/\n$/, '').match(/\n/g)?.length ?? 0);
      if (!headerSeen) {
        headerSeen = true;
        checkCsvHeader(raw.replace(/\n$/, ''));
        continue;
      }
      const draft = csvRowDraft(record, line, ++index);
      currencies.add(draft.currency);
      if (draft.amountMinor === 0) continue;
      lines++;
      await onLine({ ...draft, sequence: lines, lineId: `line-${lines}` }, statement);
    }
  } catch (error) {
    if (error instanceof CsvError) {
      const line = (error as CsvError & { lines?: number }).lines;
      throw new StatementParseError(`line ${typeof line === 'number' ? line : 1}: not valid CSV: ${error.message}`, { line: typeof line === 'number' ? line : 1 });
    }
    throw error;
  } finally {
    parser.destroy();
  }
  if (!headerSeen) checkCsvHeader('');
  return {
    format: 'csv',
    version: null,
    fileIdentity: null,
    warnings: [],
    statements: [{ ...statement, currency: currencies.size === 1 ? [...currencies][0]! : null }],
    lines,
  };
}
