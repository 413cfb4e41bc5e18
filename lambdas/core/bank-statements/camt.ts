/**
 * Reader for ISO 20022 camt.052 (bank to customer account report, intraday), camt.053 (bank to
 * customer statement) and camt.054 (debit/credit notification), versions 001.01 to 001.13. Pure: a
 * string in, the statement model out; or a stream of text in, lines out ({@link CamtReader}). The rules of the format (which elements carry money, what a
 * missing element means) are in the `read*` functions over `XmlNode`, a small view of an element
 * that any parser can provide.
 */
import { SaxesParser } from 'saxes';
import { decimalToMinor, fail, LineIds, textOrNull, Warnings, xmlDate, type LineDraft, type Place } from './common';
import { formatAmount } from '../money/money';
import { StatementParseError, type AccountStatement, type ParsedStatementFile, type StatementFormat, type StatementLine } from './statement';

const NAMESPACE = /^urn:iso:std:iso:20022:tech:xsd:camt\.(05[234])\.001\.(\d{2})$/;
/** Every published version of the three messages; their entries, balances and amounts are read alike. */
const SUPPORTED_VERSIONS = new Set(['01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12', '13']);

/** The message element and its statement element for each message type. */
const LAYOUT = {
  '052': { message: 'BkToCstmrAcctRpt', record: 'Rpt', format: 'camt.052' },
  '053': { message: 'BkToCstmrStmt', record: 'Stmt', format: 'camt.053' },
  '054': { message: 'BkToCstmrDbtCdtNtfctn', record: 'Ntfctn', format: 'camt.054' },
} as const satisfies Record<string, { message: string; record: string; format: StatementFormat }>;

/**
 * The root element's start tag when it is `Document` (with or without a prefix). Anchored at the
 * first element: an unanchored search retried from every `<` of the file, each retry scanning to
 * the next `>` (quadratic on a file of `<Document ` without one).
 */
const DOCUMENT_ROOT = /^<(?:([A-Za-z_][\w.-]*):)?Document(?=[\s>/])([^>]*)>/;

/**
 * The ISO 20022 namespace of the XML document's root `Document` element, or `null` when the
 * content has no `Document` root with a namespace. Used to recognise camt files by content.
 */
export function camtNamespace(content: string): string | null {
  // Only the head counts (the streaming reader sees no more before deciding): a root start tag
  // after it is refused by both readers alike.
  const start = stripProlog(content.replace(/^\s+/, '').slice(0, MAX_CAMT_HEAD));
  // SWIFT delivers MX messages in an envelope (`Envelope`, `BizMsgEnvlp`, `DataPDU` ...) holding
  // the business application header (`AppHdr`) and then the `Document`: that `Document` counts.
  // A `Document` further in without an `AppHdr` before it is not the message.
  const header = DOCUMENT_ROOT.test(start) ? null : /<(?:[A-Za-z_][\w.-]*:)?AppHdr[\s>/]/.exec(start);
  const nested = header ? /<(?:[A-Za-z_][\w.-]*:)?Document[\s>/]/.exec(start.slice(header.index)) : null;
  const root = DOCUMENT_ROOT.exec(header && nested ? start.slice(header.index + nested.index) : start);
  if (!root) return null;
  const prefix = root[1];
  const attributes = root[2] ?? '';
  const declaration = prefix
    ? new RegExp(`xmlns:${prefix.replace(/[.]/g, '\\.')}\\s*=\\s*["']([^"']*)["']`).exec(attributes)
    : /xmlns\s*=\s*["']([^"']*)["']/.exec(attributes);
  return declaration?.[1] ?? null;
}

/** Distinct statuses of entries not booked named in the warning `entries-not-booked`; the rest count as "other". */
const MAX_NOT_BOOKED_STATUSES = 8;

/** How far a camt file's head may run before its `Document` start tag must be complete. */
export const MAX_CAMT_HEAD = 1 << 20;

/**
 * Whether a growing head holds a complete `Document` start tag, reading only what each call adds
 * (a stream may come in tiny chunks: rescanning the head each time is quadratic) and in linear
 * time (`/<Document[\s>/][^>]*>/` retried `[^>]*` from every `<Document ` of a head without `>`:
 * minutes for a megabyte). A prefix longer than 255 characters is never taken for one.
 */
export class DocumentStartTag {
  /** The end of the text so far (a start tag may begin in it), until a `Document` start is found. */
  private tail = '';
  private started = false;
  private done = false;

  /** Adds the next piece of the head; true once the head so far holds a complete `Document` start tag. */
  add(piece: string): boolean {
    if (this.done) return true;
    if (this.started) return (this.done = piece.includes('>'));
    const text = this.tail + piece;
    const found = /<(?:[A-Za-z_][\w.-]{0,255}:)?Document[\s>/]/.exec(text);
    if (!found) {
      this.tail = text.slice(-300);
      return false;
    }
    this.started = true;
    this.tail = '';
    return (this.done = text.indexOf('>', found.index + 1) >= 0);
  }
}

/** The content from its first element on: without BOM, XML declaration, comments and doctype. */
function stripProlog(content: string): string {
  let rest = content.replace(/^\uFEFF/, '');
  for (;;) {
    const trimmed = rest.replace(/^\s+/, '');
    // A doctype may hold an internal subset in brackets (`<!DOCTYPE Document [<!ENTITY a "b">]>`).
    // Each part stops at a character the next one needs ([, ], >), so a doctype that never ends is
    // given up in linear time (`[^[>]*(?:\[...\])?[^>]*>` retried every split of the name: quadratic).
    const prolog = /^(?:<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^[>]*(?:\[[^\]]*\][^>]*)?>)/.exec(trimmed);
    if (!prolog) return trimmed;
    rest = trimmed.slice(prolog[0].length);
  }
}

/**
 * Reads a camt.052, camt.053 or camt.054 file (versions 001.01 to 001.13).
 *
 * What callers may rely on:
 * - The `Document` is the root element, or comes after the business application header
 *   (`AppHdr`) inside an envelope (SWIFT's `Envelope`, `BizMsgEnvlp`, `DataPDU` ...): the header
 *   and anything else in the envelope are passed over.
 * - One {@link AccountStatement} per `Rpt` (camt.052), `Stmt` (camt.053) or `Ntfctn` (camt.054),
 *   in file order. Read with a warning (`warnings`): no `Acct`, an account without id, no `Id`, a
 *   balance without `CdtDbtInd` (read as positive).
 * - Only booked entries (`Sts` `BOOK`, or no status) become lines: pending and information-only
 *   entries have not moved money yet (a statement with such entries says how many, as the warning
 *   `entries-not-booked`). Entries of amount zero move no money and are left out too.
 * - An entry with one `TxDtls` (or none) is one line with the amount the bank booked (`Ntry/Amt`),
 *   even when the transaction states another amount: that is what reached the account.
 * - An entry with several `TxDtls` that all state their amount (`AmtDtls/TxAmt/Amt`, else
 *   `TxDtls/Amt`) in the entry's currency, adding up to the booked amount, is split into one line
 *   per transaction, each with its amount; the booked total stays on `line.entry`. When some
 *   transaction has no amount, the money cannot be split: the entry stays one line carrying every
 *   transaction's texts and references. So does an entry whose transactions state amounts in
 *   another currency or adding up to another sum (charges taken from a batch, a conversion): the
 *   cash that arrived is the booked amount, never the transactions' sum; read with the warning
 *   `batch-not-split` naming both figures.
 * - The direction is the entry's `CdtDbtInd` (a transaction's own indicator is not used: the
 *   entry is what was booked, and batch transactions share its direction).
 * - Amounts are exact minor units; extra decimals must be zeros (`8.850` EUR is 885).
 * - A file that is not well-formed, has a DOCTYPE, is not camt.052/053/054 in a supported version, or
 *   lacks a required element is rejected whole with a {@link StatementParseError} naming the XML element path (or
 *   the line, for XML syntax errors).
 *
 * The file is read by the streaming {@link CamtReader}: no document tree is built, only one entry
 * (and a statement's header elements) at a time.
 */
export function readCamt(file: string, warnings: Warnings = new Warnings()): ParsedStatementFile {
  const lines: StatementLine[][] = [];
  const reader = new CamtReader(
    {
      line: (line, statementIndex) => {
        (lines[statementIndex] ??= []).push(line);
      },
    },
    warnings,
  );
  reader.write(file);
  const read = reader.close();
  return { ...read, statements: read.statements.map((statement, i) => ({ ...statement, lines: lines[i] ?? [] })) };
}

/** Where a streaming reader hands each line as soon as it is read (see {@link CamtReader}). */
export interface StatementLineSink {
  /** One line, in file order, with the position of its statement in the file (0-based). */
  line(line: StatementLine, statementIndex: number, statement: StatementHeader): void;
}

/** A statement without its lines: known before its first line is read. */
export type StatementHeader = Omit<AccountStatement, 'lines'>;

/** What a streaming read gives at its end: the file without the lines (they went to the sink). */
export interface StreamedStatementFile extends Omit<ParsedStatementFile, 'statements'> {
  readonly statements: readonly StatementHeader[];
}

/** How deep elements may nest; camt messages go about 15 levels deep. Deeper is refused at once. */
const MAX_DEPTH = 200;
/** The most text handed to the XML parser at once. */
const FEED_SLICE = 64 * 1024;

/** Record children that the statement header is read from: they must come before the entries. */
const HEADER_ELEMENTS = new Set(['Id', 'ElctrncSeqNb', 'Acct', 'Bal']);

/** A parsed element as {@link XmlNode} reads it: child elements by name, `#text`, `@_attribute`. */
type ElementValue = Record<string, unknown> & { '#text'?: string };

const localName = (name: string): string => {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
};

/** The provisional path of an element that may have siblings of its name: indexed until the count is known. */
const indexed = (parent: string, name: string, position: number): string => `${parent}/${name}[${position}]`;

interface OpenRecord {
  readonly value: ElementValue;
  readonly path: string;
  entries: number;
  header: StatementHeader | null;
  /** Entries not booked (`Sts` other than `BOOK`), by status: they give no line. */
  readonly notBooked: Map<string, number>;
}

/**
 * Streaming reader of camt.052, camt.053 and camt.054 (the rules of {@link readCamt}, which uses
 * it): feed the text with {@link CamtReader.write} in chunks of any size, then {@link CamtReader.close}.
 * Built on the `saxes` streaming XML parser: it keeps one entry (`Ntry`) at a time as a small
 * element tree, plus the group header and each statement's header elements; everything else is
 * passed over. Lines go to the sink as soon as their entry ends; memory stays flat whatever the
 * size of the file.
 *
 * Errors are those of a whole-file reading: the file is read to its end, a syntax error anywhere
 * wins over any other problem, a DOCTYPE next, else the first problem in file order; `close` throws
 * it (paths say `Stmt` or `Stmt[2]` as the final sibling counts require). Once a problem is found
 * no more lines are handed out, so a caller that must not act on part of a bad file holds what it
 * got until `close` returns.
 */
export class CamtReader {
  private readonly parser = new SaxesParser({ position: true });
  /** Leading white space (and BOM) before the XML, skipped; its lines are counted. */
  private readonly leading = { lines: 0, done: false };
  private head = '';
  private namespaceChecked = false;
  private readonly startTag = new DocumentStartTag();
  private layout: (typeof LAYOUT)[keyof typeof LAYOUT] | null = null;
  private version = '';
  private syntaxError: StatementParseError | null = null;
  private doctypeError: StatementParseError | null = null;
  private contentError: StatementParseError | null = null;
  private depth = 0;
  /** Depth of the `Document` element (1 unless an envelope holds it), 0 before it starts. */
  private documentDepth = 0;
  /** Depth of an envelope's business application header (`AppHdr`), 0 when none came. */
  private appHeaderDepth = 0;
  /** Depth of the element being passed over (its content is not needed), or 0. */
  private skipping = 0;
  private messagePath: string | null = null;
  private messageDepth = 0;
  private readonly groupHeader: ElementValue = {};
  private groupHeaderSeen = false;
  /** The element tree being captured (an entry, or a header element), innermost last. */
  private readonly capture: ElementValue[] = [];
  private recordCount = 0;
  private record: OpenRecord | null = null;
  private readonly entryCounts: number[] = [];
  private readonly headers: StatementHeader[] = [];
  private readonly identityParts: string[] = [];
  private readonly ids = new LineIds();
  private sequence = 0;

  constructor(
    private readonly sink: StatementLineSink,
    private readonly warnings: Warnings = new Warnings(),
  ) {
    this.parser.on('error', (error) => {
      // After a refusal (DOCTYPE, nesting) the rest is not read: what follows it does not count.
      if (this.syntaxError || this.doctypeError) return;
      const message = error.message.replace(/^(?:[^:\n]*:)?\d+:\d+: /, '').replace(/\.$/, '');
      const line = this.parser.line + this.leading.lines;
      this.syntaxError = new StatementParseError(`line ${line}: not well-formed XML: ${message} (column ${this.parser.column + 1})`, { line });
    });
    this.parser.on('doctype', (doctype) => {
      // ISO 20022 messages have none; refusing it keeps entity expansion (and its abuse) out.
      const line = this.parser.line + this.leading.lines - (doctype.match(/\n/g)?.length ?? 0);
      this.doctypeError ??= new StatementParseError(`line ${line}: a DOCTYPE declaration is not allowed in a camt file`, { line });
    });
    this.parser.on('opentag', (tag) => this.guard(() => this.openElement(localName(tag.name), tag.attributes as Record<string, string>)));
    this.parser.on('closetag', (tag) => this.guard(() => this.closeElement(localName(tag.name))));
    this.parser.on('text', (text) => this.addText(text));
    this.parser.on('cdata', (text) => this.addText(text));
  }

  /** Feeds the next part of the file's text. */
  write(chunk: string): void {
    if (this.syntaxError || this.doctypeError) return;
    let text = chunk;
    if (!this.leading.done) {
      let i = 0;
      while (i < text.length && (text.charCodeAt(i) === 0xfeff || /\s/.test(text[i]!))) {
        if (text[i] === '\n') this.leading.lines++;
        i++;
      }
      text = text.slice(i);
      if (text === '') return;
      this.leading.done = true;
    }
    if (!this.namespaceChecked) {
      // The root's start tag decides the message type: keep the file's head until it is complete.
      this.head += text;
      if (!this.startTag.add(text) && this.head.length < MAX_CAMT_HEAD) return;
      text = this.head;
      this.head = '';
      this.checkNamespace(text);
    }
    this.feed(text);
  }

  /**
   * Ends the file: the statements (without lines), the format, version, identity and warnings.
   *
   * @throws StatementParseError for a file that cannot be read whole (see the class comment).
   */
  close(): StreamedStatementFile {
    if (!this.namespaceChecked && !this.syntaxError && !this.doctypeError) {
      const head = this.head;
      this.head = '';
      this.checkNamespace(head);
      this.feed(head);
    }
    if (!this.syntaxError && !this.doctypeError && this.depth > 0) {
      // Not `parser.close()`: it reports every unclosed element, one error each (slow on deep nesting).
      const line = this.parser.line + this.leading.lines;
      this.syntaxError = new StatementParseError(`line ${line}: not well-formed XML: the file ends with ${this.depth} element(s) not closed (column ${this.parser.column + 1})`, { line });
    }
    if (!this.syntaxError && !this.doctypeError) {
      try {
        this.parser.close();
      } catch (error) {
        if (!this.syntaxError) throw error;
      }
    }
    if (!this.contentError && this.messagePath === null && this.layout) {
      this.contentError = this.error(`required element ${this.layout.message} is missing`, { path: `Document/${this.layout.message}` });
    }
    const problem = this.syntaxError ?? this.doctypeError ?? this.contentError;
    if (problem) {
      const path = problem.location.path;
      if (path === undefined) throw problem;
      const fixed = this.finalPath(path);
      throw new StatementParseError(fixed + problem.message.slice(path.length), { ...problem.location, path: fixed });
    }
    const layout = this.layout!;
    const messageId = new XmlNode('', this.groupHeader).text('MsgId');
    // The file's identity (see `ParsedStatementFile.fileIdentity`): the message type, `GrpHdr/MsgId`
    // and per statement its account and `ElctrncSeqNb` (else its `Id`). Not the version, nor any
    // creation time: a re-export in another version or at another time is the same message.
    const fileIdentity =
      messageId === null ? null : JSON.stringify([layout.format, messageId, ...this.headers.flatMap((statement, i) => [statement.account ?? '', this.identityParts[i] ?? ''])]);
    const warnings = this.warnings.all.map((warning) => {
      const path = warning.location.path;
      if (path === undefined) return warning;
      const fixed = this.finalPath(path);
      return fixed === path ? warning : { ...warning, message: fixed + warning.message.slice(path.length), location: { ...warning.location, path: fixed } };
    });
    return { format: layout.format, version: `001.${this.version}`, statements: this.headers, fileIdentity, warnings };
  }

  private feed(text: string): void {
    if (text === '' || this.syntaxError || this.doctypeError) return;
    // In slices, so that a refusal (DOCTYPE, nesting) stops the parsing soon, whatever the chunk size.
    for (let start = 0; start < text.length && !this.syntaxError && !this.doctypeError; start += FEED_SLICE) {
      try {
        this.parser.write(text.slice(start, start + FEED_SLICE));
      } catch (error) {
        if (!this.syntaxError) throw error;
      }
    }
  }

  private checkNamespace(head: string): void {
    this.namespaceChecked = true;
    const namespace = camtNamespace(head);
    const match = namespace ? NAMESPACE.exec(namespace) : null;
    if (!namespace || !match) {
      this.contentError ??= this.error(
        `the root element is not a camt.052, camt.053 or camt.054 Document (namespace ${namespace ? `"${namespace}"` : 'missing'}); expected urn:iso:std:iso:20022:tech:xsd:camt.05x.001.01 to .13`,
        { path: 'Document' },
      );
      return;
    }
    const [, kind, version] = match as unknown as [string, '052' | '053' | '054', string];
    if (!SUPPORTED_VERSIONS.has(version)) {
      this.contentError ??= this.error(`camt.${kind}.001.${version} is not supported; versions 001.01 to 001.13 are read`, { path: 'Document' });
      return;
    }
    this.layout = LAYOUT[kind];
    this.version = version;
  }

  private error(problem: string, place: Place): StatementParseError {
    try {
      return fail(problem, place);
    } catch (error) {
      return error as StatementParseError;
    }
  }

  /** Runs a step of the reading; its problem is kept for `close`, and no more lines are handed out. */
  private guard(step: () => void): void {
    try {
      step();
    } catch (error) {
      if (!(error instanceof StatementParseError)) throw error;
      this.contentError ??= error;
      // Pass over the rest of the element being read; the counts of statements and entries go on.
      this.capture.length = 0;
    }
  }

  private openElement(name: string, attributes: Record<string, string>): void {
    const depth = ++this.depth;
    if (depth > MAX_DEPTH && !this.doctypeError) {
      // Refused at once, as a DOCTYPE is: nothing more of such a file is worth parsing.
      const line = this.parser.line + this.leading.lines;
      this.doctypeError = new StatementParseError(`line ${line}: elements nested more than ${MAX_DEPTH} deep; a camt file nests about 15`, { line });
      return;
    }
    if (this.skipping) return;
    if (this.capture.length > 0) {
      this.startCaptured(name, attributes);
      return;
    }
    const layout = this.layout;
    if (this.documentDepth === 0) {
      // The root `Document`, or in an envelope the `Document` after its `AppHdr` (passed over).
      if (name === 'Document' && (depth === 1 || depth === this.appHeaderDepth)) this.documentDepth = depth;
      else if (name === 'AppHdr') {
        this.appHeaderDepth = depth;
        this.skipping = depth;
      }
      return;
    }
    // Depths from here on count from the `Document` (1), wherever an envelope put it.
    const level = depth - this.documentDepth + 1;
    if (!layout || level <= 1) {
      this.skipping = depth;
      return;
    }
    if (level === 2) {
      // Version 001.01 names the message element with its version (`BkToCstmrStmtV01`).
      if (this.messagePath === null && (name === layout.message || name === `${layout.message}V01`)) {
        this.messagePath = `Document/${name}`;
        this.messageDepth = depth;
      } else {
        this.skipping = depth;
      }
      return;
    }
    if (level === 3 && this.messagePath !== null) {
      if (name === layout.record) {
        this.recordCount++;
        this.entryCounts.push(0);
        this.record = { value: {}, path: indexed(this.messagePath, layout.record, this.recordCount), entries: 0, header: null, notBooked: new Map() };
      } else if (name === 'GrpHdr' && !this.groupHeaderSeen && !this.contentError) {
        this.groupHeaderSeen = true;
        this.capture.push({});
        this.startCaptured(name, attributes);
      } else {
        this.skipping = depth;
      }
      return;
    }
    if (level === 4 && this.record) {
      const record = this.record;
      if (name === 'Ntry') {
        record.entries++;
        this.entryCounts[this.recordCount - 1] = record.entries;
        if (this.contentError) {
          this.skipping = depth;
          return;
        }
        this.takeHeader(record);
        this.capture.push({});
        this.startCaptured(name, attributes);
        return;
      }
      if (this.contentError) {
        this.skipping = depth;
        return;
      }
      if (record.header && HEADER_ELEMENTS.has(name)) {
        fail(`${name} comes after the entries; ISO 20022 puts it before the first Ntry`, { path: `${record.path}/${name}` });
      }
      this.capture.push(record.value);
      this.startCaptured(name, attributes);
      return;
    }
    this.skipping = depth;
  }

  /** Opens an element inside the tree being captured. */
  private startCaptured(name: string, attributes: Record<string, string>): void {
    const parent = this.capture[this.capture.length - 1]!;
    const element: ElementValue = {};
    for (const key in attributes) {
      if (key === 'xmlns' || key.startsWith('xmlns:')) continue;
      element[`@_${localName(key)}`] = attributes[key];
    }
    const list = parent[name];
    if (Array.isArray(list)) list.push(element);
    else parent[name] = [element];
    this.capture.push(element);
  }

  private addText(text: string): void {
    if (this.skipping || this.capture.length < 2) return;
    const element = this.capture[this.capture.length - 1]!;
    element['#text'] = (element['#text'] ?? '') + text;
  }

  private closeElement(name: string): void {
    const depth = this.depth--;
    if (this.skipping) {
      if (depth === this.skipping) this.skipping = 0;
      return;
    }
    const level = depth - this.documentDepth + 1;
    if (this.capture.length > 0) {
      this.capture.pop();
      if (this.capture.length === 1) {
        const root = this.capture.pop()!;
        if (level === 3 && name === 'GrpHdr') {
          Object.assign(this.groupHeader, (root['GrpHdr'] as ElementValue[])[0]);
        } else if (level === 4 && name === 'Ntry' && this.record && root !== this.record.value) {
          this.readEntryTree(this.record, (root['Ntry'] as ElementValue[])[0]!);
        }
      }
      return;
    }
    if (level === 3 && this.record) {
      if (!this.contentError) {
        this.takeHeader(this.record);
        this.warnNotBooked(this.record);
      }
      this.record = null;
      return;
    }
    if (depth === this.messageDepth && this.messagePath !== null && this.recordCount === 0) {
      const layout = this.layout!;
      fail(`a ${layout.format} message needs at least one ${layout.record} element, this one has none`, { path: `${this.messagePath}/${layout.record}` });
    }
  }

  /** Reads the statement's header from its elements before the first entry (once). */
  private takeHeader(record: OpenRecord): void {
    if (record.header) return;
    const node = new XmlNode(record.path, record.value);
    record.header = readRecordHeader(node, this.warnings);
    this.headers.push(record.header);
    this.identityParts.push(node.text('ElctrncSeqNb') ?? node.text('Id') ?? '');
  }

  /** A statement whose entries were not all booked says so: they moved no money and give no line. */
  private warnNotBooked(record: OpenRecord): void {
    if (record.notBooked.size === 0) return;
    const counts = [...record.notBooked].map(([status, count]) => `${count} with status ${status}`).join(', ');
    this.warnings.add('entries-not-booked', `entries not booked (${counts}) give no line: pending or information only, they moved no money on the account`, { path: record.path });
  }

  private readEntryTree(record: OpenRecord, tree: ElementValue): void {
    if (this.syntaxError || this.doctypeError) return;
    const entry = new XmlNode(indexed(record.path, 'Ntry', record.entries), tree);
    const status = entry.text('Sts', 'Cd') ?? entry.text('Sts');
    if (status !== null && status !== 'BOOK') {
      // Counted by status, for the few statuses there are (PDNG, INFO, FUTR); a file writing ever
      // new ones (a million distinct Sts) is counted under "other" past the first few.
      const text = status.slice(0, 8);
      const name = record.notBooked.has(text) || record.notBooked.size < MAX_NOT_BOOKED_STATUSES ? text : 'other';
      record.notBooked.set(name, (record.notBooked.get(name) ?? 0) + 1);
      return;
    }
    const statement = record.header!;
    const statementIndex = this.headers.length - 1;
    for (const { ownAccountServicerReference, entryReference, ...draft } of readEntry(entry, record.entries, this.warnings)) {
      this.sequence++;
      const candidate =
        ownAccountServicerReference ??
        draft.endToEndId ??
        (entryReference ? `${entryReference}#${draft.entry?.transaction ?? 1}` : `line-${this.sequence}`);
      this.sink.line({ ...draft, sequence: this.sequence, lineId: this.ids.assign(statement.account, candidate) }, statementIndex, statement);
    }
  }

  /** The path with the sibling indexes the final counts call for: `Stmt[1]` is `Stmt` when it is the only one. */
  private finalPath(path: string): string {
    if (this.messagePath === null || !this.layout) return path;
    const prefix = `${this.messagePath}/${this.layout.record}[`;
    if (!path.startsWith(prefix)) return path;
    const close = path.indexOf(']', prefix.length);
    const recordIndex = Number(path.slice(prefix.length, close));
    let rest = path.slice(close + 1);
    const recordPart = this.recordCount === 1 ? `${this.messagePath}/${this.layout.record}` : path.slice(0, close + 1);
    if (rest.startsWith('/Ntry[') && (this.entryCounts[recordIndex - 1] ?? 0) === 1) rest = `/Ntry${rest.slice(rest.indexOf(']') + 1)}`;
    return recordPart + rest;
  }
}

/** A line before its place in the file is known, with what its identity is made of. */
interface CamtLineDraft extends LineDraft {
  /** The transaction's own `AcctSvcrRef` (the line's `accountServicerReference` may be the entry's). */
  readonly ownAccountServicerReference: string | null;
  /** The entry's `AcctSvcrRef`, else its `NtryRef`. */
  readonly entryReference: string | null;
}

/** BAI balance type codes written as a camt balance's proprietary type, and their ISO codes. */
const BAI_BALANCE_CODES: Readonly<Record<string, 'OPBD' | 'CLBD'>> = { '010': 'OPBD', '015': 'CLBD' };

/** A statement's header from its elements before the entries, with warnings for what is missing. */
function readRecordHeader(record: XmlNode, warnings: Warnings): StatementHeader {
  const account = record.child('Acct');
  const accountId = account ? (account.text('Id', 'IBAN') ?? account.text('Id', 'Othr', 'Id') ?? account.text('Id', 'PrtryAcct', 'Id') ?? account.text('Id', 'BBAN')) : null;
  if (!account) warnings.add('missing-account', 'the statement names no account (no Acct element)', { path: `${record.path}/Acct` });
  else if (accountId === null) warnings.add('missing-account', 'the account has no identification (Id/IBAN or Id/Othr/Id)', { path: `${account.path}/Id` });
  if (record.text('Id') === null) warnings.add('missing-statement-id', 'the statement has no Id', { path: `${record.path}/Id` });
  let currency = account?.text('Ccy') ?? null;
  let opening: number | null = null;
  let closing: number | null = null;
  for (const balance of record.children('Bal')) {
    // Version 001.01 writes the code at Tp/Cd, later versions at Tp/CdOrPrtry/Cd. North American
    // banks (BMO) write the BAI balance code as the proprietary type: 010 opening, 015 closing ledger.
    const code = balance.text('Tp', 'CdOrPrtry', 'Cd') ?? balance.text('Tp', 'Cd') ?? BAI_BALANCE_CODES[balance.text('Tp', 'CdOrPrtry', 'Prtry') ?? ''] ?? null;
    if (code !== 'OPBD' && code !== 'PRCD' && code !== 'CLBD') continue;
    const amount = readAmount(balance.required('Amt'));
    let sign = 1;
    if (balance.child('CdtDbtInd')) sign = readIndicator(balance) === 'debit' ? -1 : 1;
    else if (amount.minor !== 0) warnings.add('balance-without-indicator', `balance ${code} has no CdtDbtInd: read as a credit (positive) balance`, balance.place());
    if (code === 'CLBD') closing ??= sign * amount.minor;
    else opening ??= sign * amount.minor;
    currency ??= amount.currency;
  }
  return { statementId: record.text('Id'), account: accountId, currency, openingBalanceMinor: opening, closingBalanceMinor: closing };
}

/** The lines of a booked entry (entries of another status are counted by the reader, not read). */
function readEntry(entry: XmlNode, index: number, warnings: Warnings): CamtLineDraft[] {
  const amount = readAmount(entry.required('Amt'));
  if (amount.minor === 0) return [];
  const direction = readIndicator(entry);
  const bookingDate = readDate(entry, 'BookgDt');
  const valueDate = readDate(entry, 'ValDt');
  const entryServicerReference = entry.text('AcctSvcrRef');
  const entryReference = entryServicerReference ?? entry.text('NtryRef');
  const entryCode = transactionCode(entry.child('BkTxCd'));
  const transactions = entry.children('NtryDtls').flatMap((details) => details.children('TxDtls'));
  // A batch booking (one entry for a whole payment information block, e.g. a direct debit collection): its block id and count.
  const batchNode = entry.children('NtryDtls').map((details) => details.child('Btch')).find((node) => node !== undefined && node !== null) ?? null;
  const batchCount = batchNode?.text('NbOfTxs') ?? null;
  const batch = batchNode ? { paymentInformationId: batchNode.text('PmtInfId'), numberOfTransactions: batchCount !== null && /^\d{1,15}$/.test(batchCount) ? Number(batchCount) : null } : null;
  const base = { direction, bookingDate, valueDate, batch, reversal: entry.text('RvslInd') === 'true' };

  if (transactions.length === 0) {
    return [
      {
        ...base,
        amountMinor: amount.minor,
        currency: amount.currency,
        structuredReference: null,
        structuredReferences: [],
        endToEndId: null,
        accountServicerReference: entryServicerReference,
        customerReference: null,
        remittanceText: entry.text('AddtlNtryInf') ?? '',
        payerName: null,
        payerAccount: null,
        bankTransactionCode: entryCode,
        returnReason: null,
        entry: { index, transaction: 1, transactions: 1, amountMinor: amount.minor, currency: amount.currency },
        ownAccountServicerReference: null,
        entryReference,
      },
    ];
  }

  const details = transactions.map(readTransaction);
  const entryPosition = { index, amountMinor: amount.minor, currency: amount.currency };
  const stated = details.length > 1 && details.every((detail) => detail.amount !== null);
  const inEntryCurrency = stated && details.every((detail) => detail.amount!.currency === amount.currency);
  const sum = inEntryCurrency ? details.reduce((total, detail) => total + detail.amount!.minor, 0) : null;
  if (stated && sum !== amount.minor) {
    const stating = sum === null ? `in ${[...new Set(details.map((detail) => detail.amount!.currency))].join(', ')}` : `adding up to ${formatAmount({ minor: sum, currency: amount.currency })} ${amount.currency}`;
    warnings.add(
      'batch-not-split',
      `the entry's ${details.length} transactions state amounts ${stating}, the entry booked ${formatAmount(amount)} ${amount.currency}: read as one line of the booked amount`,
      entry.place(),
    );
  }
  if (stated && sum === amount.minor) {
    const lines: CamtLineDraft[] = [];
    details.forEach((detail, i) => {
      const own = detail.amount!;
      if (own.minor === 0) return;
      lines.push({
        ...base,
        amountMinor: own.minor,
        currency: own.currency,
        structuredReference: detail.structuredReferences[0] ?? null,
        structuredReferences: detail.structuredReferences,
        endToEndId: detail.endToEndId,
        accountServicerReference: detail.accountServicerReference ?? entryServicerReference,
        customerReference: detail.customerReference,
        remittanceText: detail.remittanceText,
        payerName: detail.payerName,
        payerAccount: detail.payerAccount,
        bankTransactionCode: detail.bankTransactionCode ?? entryCode,
        returnReason: detail.returnReason,
        entry: { ...entryPosition, transaction: i + 1, transactions: details.length },
        ownAccountServicerReference: detail.accountServicerReference,
        entryReference,
      });
    });
    return lines;
  }

  // One transaction, several without amounts of their own, or whose amounts are not the booked one: one line with the booked amount.
  const same = <T>(pick: (detail: TransactionDetail) => T | null): T | null => {
    const values = details.map(pick);
    const first = values[0] ?? null;
    return first !== null && values.every((value) => value === first) ? first : null;
  };
  const structuredReferences = details.flatMap((detail) => detail.structuredReferences);
  const ownServicerReference = same((detail) => detail.accountServicerReference);
  return [
    {
      ...base,
      amountMinor: amount.minor,
      currency: amount.currency,
      structuredReference: structuredReferences[0] ?? null,
      structuredReferences,
      endToEndId: same((detail) => detail.endToEndId),
      accountServicerReference: ownServicerReference ?? entryServicerReference,
      customerReference: same((detail) => detail.customerReference),
      remittanceText: details
        .map((detail) => detail.remittanceText)
        .filter((text) => text !== '')
        .join(' '),
      payerName: same((detail) => detail.payerName),
      payerAccount: same((detail) => detail.payerAccount),
      bankTransactionCode: same((detail) => detail.bankTransactionCode) ?? entryCode,
      returnReason: same((detail) => detail.returnReason),
      entry: { ...entryPosition, transaction: 1, transactions: 1 },
      ownAccountServicerReference: ownServicerReference,
      entryReference,
    },
  ];
}

interface TransactionDetail {
  readonly amount: { minor: number; currency: string } | null;
  readonly endToEndId: string | null;
  readonly accountServicerReference: string | null;
  readonly customerReference: string | null;
  readonly structuredReferences: string[];
  readonly remittanceText: string;
  readonly payerName: string | null;
  readonly payerAccount: string | null;
  readonly bankTransactionCode: string | null;
  readonly returnReason: string | null;
}

function readTransaction(transaction: XmlNode): TransactionDetail {
  const amountElement = transaction.child('AmtDtls', 'TxAmt', 'Amt') ?? transaction.child('Amt');
  const refs = transaction.child('Refs');
  const endToEnd = refs?.text('EndToEndId') ?? null;
  const remittance = transaction.child('RmtInf');
  const parties = transaction.child('RltdPties');
  const debtorName =
    parties?.text('Dbtr', 'Nm') ??
    parties?.text('Dbtr', 'Pty', 'Nm') ??
    parties?.text('UltmtDbtr', 'Nm') ??
    parties?.text('UltmtDbtr', 'Pty', 'Nm') ??
    null;
  const debtorAccount = parties?.text('DbtrAcct', 'Id', 'IBAN') ?? parties?.text('DbtrAcct', 'Id', 'Othr', 'Id') ?? null;
  return {
    amount: amountElement ? readAmount(amountElement) : null,
    endToEndId: endToEnd === null || endToEnd.toUpperCase() === 'NOTPROVIDED' ? null : endToEnd,
    accountServicerReference: refs?.text('AcctSvcrRef') ?? null,
    customerReference: refs?.text('AcctOwnrTxId') ?? null,
    returnReason: transaction.text('RtrInf', 'Rsn', 'Cd'),
    structuredReferences: (remittance?.children('Strd') ?? []).flatMap((block) =>
      block.children('CdtrRefInf').flatMap((info) => {
        const reference = info.text('Ref');
        return reference === null ? [] : [reference];
      }),
    ),
    remittanceText: (remittance?.children('Ustrd') ?? [])
      .map((line) => line.text() ?? '')
      .filter((line) => line !== '')
      .join(' '),
    payerName: debtorName,
    payerAccount: debtorAccount,
    bankTransactionCode: transactionCode(transaction.child('BkTxCd')),
  };
}

/** `Domn/Cd` `/` `Fmly/Cd` `/` `Fmly/SubFmlyCd` (e.g. `PMNT/RCDT/ESCT`), else the proprietary code. */
function transactionCode(code: XmlNode | null): string | null {
  if (!code) return null;
  const domain = code.text('Domn', 'Cd');
  if (domain) {
    return [domain, code.text('Domn', 'Fmly', 'Cd'), code.text('Domn', 'Fmly', 'SubFmlyCd')]
      .filter((part): part is string => part !== null)
      .join('/');
  }
  return code.text('Prtry', 'Cd');
}

function readAmount(amount: XmlNode): { minor: number; currency: string } {
  const currency = amount.attribute('Ccy');
  if (!currency) fail('the amount has no Ccy attribute', amount.place());
  const text = amount.text();
  if (text === null) fail('the amount is empty', amount.place());
  // xs:decimal also allows a leading "+" and a fraction without its whole part (".5").
  const decimal = text.replace(/^\+/, '').replace(/^\./, '0.');
  return { minor: decimalToMinor(decimal, currency, amount.place()), currency };
}

function readIndicator(element: XmlNode): 'credit' | 'debit' {
  const indicator = element.required('CdtDbtInd');
  const value = indicator.text();
  if (value === 'CRDT') return 'credit';
  if (value === 'DBIT') return 'debit';
  return fail(`CdtDbtInd is "${value ?? ''}", expected CRDT or DBIT`, indicator.place());
}

function readDate(entry: XmlNode, name: 'BookgDt' | 'ValDt'): string | null {
  const element = entry.child(name);
  if (!element) return null;
  const holder = element.child('Dt') ?? element.child('DtTm');
  if (!holder) return null;
  const text = holder.text() ?? '';
  const date = xmlDate(text);
  if (date === null) fail(`"${text}" is not a date`, holder.place());
  return date;
}

/** One XML element of the parsed tree, with the path that names it in error messages. */
class XmlNode {
  constructor(
    readonly path: string,
    private readonly value: unknown,
  ) {}

  place(): Place {
    return { path: this.path };
  }

  children(name: string): XmlNode[] {
    const list = isRecord(this.value) ? this.value[name] : undefined;
    if (!Array.isArray(list)) return [];
    return list.map((item, i) => new XmlNode(`${this.path}/${name}${list.length > 1 ? `[${i + 1}]` : ''}`, item));
  }

  /** The first element down the given names, or `null`. */
  child(...names: string[]): XmlNode | null {
    let node: XmlNode | null = this;
    for (const name of names) {
      node = node.children(name)[0] ?? null;
      if (!node) return null;
    }
    return node;
  }

  required(name: string): XmlNode {
    const node = this.child(name);
    if (!node) fail(`required element ${name} is missing`, { path: `${this.path}/${name}` });
    return node;
  }

  /** Trimmed text of the element down the given names (or of this one), `null` when absent or blank. */
  text(...names: string[]): string | null {
    const node = names.length ? this.child(...names) : this;
    if (!node) return null;
    const value = node.value;
    if (typeof value === 'string') return textOrNull(value);
    if (isRecord(value) && typeof value['#text'] === 'string') return textOrNull(value['#text']);
    return null;
  }

  attribute(name: string): string | null {
    return isRecord(this.value) && typeof this.value[`@_${name}`] === 'string' ? textOrNull(this.value[`@_${name}`] as string) : null;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

