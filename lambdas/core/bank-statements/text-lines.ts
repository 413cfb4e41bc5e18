/**
 * Text chunks to numbered lines, for the line-based statement readers (MT940, BAI2): chunks may be
 * split anywhere (inside a line, between the CR and the LF of a line end); CR LF, CR and LF all
 * end a line, as `text.split(/\r\n|\r|\n/)` reads them, and a byte-order mark at the very start
 * is no text. Only the line being read is held. Pure: no I/O.
 */
import type { StatementHeader, StreamedStatementFile } from './camt';
import { fail, Warnings } from './common';
import type { ParsedStatementFile, StatementLine } from './statement';

/**
 * The longest line read, in characters. A SWIFT line has at most 65 characters and a BAI2 record
 * rarely 1,000, but exports that put a whole `:86:` field or record on one line exist: a megabyte
 * is read, a longer line is refused (an endless line would otherwise be held whole).
 */
export const MAX_LINE_CHARACTERS = 2 * 1024 * 1024;

/** Splits text chunks into lines; {@link TextLines.end} hands out the last one. */
export class TextLines {
  private carry = '';
  /** The last chunk ended in CR: a LF starting the next chunk belongs to that line end. */
  private pendingCr = false;
  private started = false;
  private number = 0;

  constructor(
    private readonly onLine: (text: string, line: number) => void,
    private readonly maxCharacters = MAX_LINE_CHARACTERS,
  ) {}

  /** The number of the last line handed out (1-based; 0 before the first). */
  get lines(): number {
    return this.number;
  }

  write(chunk: string): void {
    if (chunk === '') return;
    let text = chunk;
    if (!this.started) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    let start = 0;
    if (this.pendingCr) {
      this.pendingCr = false;
      if (text.charCodeAt(0) === 10) start = 1;
    }
    const length = text.length;
    for (let i = start; i < length; i++) {
      const code = text.charCodeAt(i);
      if (code !== 10 && code !== 13) continue;
      const piece = text.slice(start, i);
      const line = this.carry === '' ? piece : this.carry + piece;
      this.carry = '';
      this.check(line.length);
      this.number++;
      this.onLine(line, this.number);
      if (code === 13) {
        if (i + 1 < length) {
          if (text.charCodeAt(i + 1) === 10) i++;
        } else {
          this.pendingCr = true;
        }
      }
      start = i + 1;
    }
    if (start < length) {
      const rest = text.slice(start);
      this.check(this.carry.length + rest.length);
      this.carry += rest;
    }
  }

  /** The file has ended: hands out its last line (also an empty one, as `split` gives it). */
  end(): void {
    const line = this.carry;
    this.carry = '';
    this.number++;
    this.onLine(line, this.number);
  }

  private check(length: number): void {
    if (length > this.maxCharacters) {
      fail(`the line is longer than ${this.maxCharacters.toLocaleString('en-US')} characters: no statement line is that long; the file is refused`, { line: this.number + 1 });
    }
  }
}

/** Where a line-based reader hands each statement line, with its statement's header. */
export type LineCallback = (line: StatementLine, statement: StatementHeader) => void;

/**
 * What the line-based streaming readers (`Mt940Reader`, `Bai2Reader`) share: text chunks of any
 * size go through {@link TextLines} to the reader's `onText`, one line at a time; `close` ends the
 * file and gives it without its lines (they went to `onLine`).
 */
export abstract class LineStatementReader {
  private readonly text = new TextLines((text, line) => this.onText(text, line));

  constructor(
    protected readonly onLine: LineCallback,
    protected readonly warnings: Warnings = new Warnings(),
  ) {}

  write(chunk: string): void {
    this.text.write(chunk);
  }

  close(): StreamedStatementFile {
    this.text.end();
    return this.end();
  }

  /** One line of the file (without its line end), numbered from 1. */
  protected abstract onText(text: string, line: number): void;

  /** The file has ended (its last line was handed to `onText`). */
  protected abstract end(): StreamedStatementFile;
}

/** A whole file read by a line-based reader: its statements with their lines. */
export function readWhole(content: string, reader: (onLine: LineCallback) => LineStatementReader): ParsedStatementFile {
  const lines = new Map<StatementHeader, StatementLine[]>();
  const read = reader((line, statement) => {
    let list = lines.get(statement);
    if (!list) lines.set(statement, (list = []));
    list.push(line);
  });
  read.write(content);
  const file = read.close();
  return { ...file, statements: file.statements.map((statement) => ({ ...statement, lines: lines.get(statement) ?? [] })) };
}
