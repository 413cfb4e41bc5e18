/**
 * Format detection and the readers run in linear time: about 1 MB of content built against each
 * regular expression that used to backtrack (trailing white space, runs of slashes or zeros, an
 * unanchored search for the `Document` root) is read or refused with a StatementParseError, not
 * hours later. Times are measured by `npx tsx test/benchmarks/hostile-statements.ts`; here each
 * input only has a generous timeout (before the fix the first ones took far longer than a minute).
 */
import { describe, expect, it } from 'vitest';
import { MAX_LEADING_WHITE_SPACE, MAX_MESSAGE_LENGTH, readStatementFile, StatementParseError } from '../../../lambdas/core/bank-statements/read-statement-file';
import { readTransactionDetails } from '../../../lambdas/core/bank-statements/mt940';
import { parseAmount } from '../../../lambdas/core/money/money';
import { MAX_CONTINUATIONS } from '../../../lambdas/core/bank-statements/bai2';
import { MAX_FIELD_LINES, MAX_WAITING_LINES } from '../../../lambdas/core/bank-statements/mt940';
import { readStatementStream } from '../../../lambdas/core/bank-statements/stream';
import { MAX_LINE_CHARACTERS } from '../../../lambdas/core/bank-statements/text-lines';
import { bigBai2, bigMt940, hostileBytes, hostileStreams, hostileStatements, HOSTILE_SIZE } from '../../benchmarks/hostile-statements';

const GENEROUS_MS = 20_000;
const inputs = hostileStatements();

function outcome(content: string): { read: ReturnType<typeof readStatementFile> } | { refused: StatementParseError } {
  try {
    return { read: readStatementFile(content) };
  } catch (error) {
    if (error instanceof StatementParseError) return { refused: error };
    throw error;
  }
}

describe('hostile bank statement files of about 1 MB', () => {
  it.each(Object.keys(inputs))('%s: read or refused with a short message naming the place', (name) => {
    const content = inputs[name]!;
    expect(content.length).toBeGreaterThan(HOSTILE_SIZE * 0.9);

    const result = outcome(content);

    if ('refused' in result) {
      expect(result.refused.message.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
    } else {
      expect(result.read.statements.length).toBeGreaterThan(0);
    }
  }, GENEROUS_MS);

  it('reads the MT940 line whose :86: ends in a megabyte of white space, trimmed', () => {
    const result = outcome(inputs['MT940 line of trailing white space before a letter']!);
    expect('read' in result && result.read.statements[0]?.lines[0]).toMatchObject({ amountMinor: 100, direction: 'credit' });
    expect('read' in result && result.read.statements[0]?.lines[0]?.remittanceText.endsWith('x')).toBe(true);
  }, GENEROUS_MS);

  it('refuses a camt-looking file of "<Document " without ">" as not camt, and one whose root is not Document', () => {
    expect(outcome(inputs['camt: "<Document " repeated without ">"']!)).toMatchObject({ refused: { message: expect.stringContaining('not a camt.052, camt.053 or camt.054 statement (root namespace missing)') } });
    // The root is the first element: a Document further in is not the root.
    const nested = '<Wrapper><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"/></Wrapper>';
    expect(outcome(nested)).toMatchObject({ refused: { message: expect.stringContaining('root namespace missing') } });
  }, GENEROUS_MS);

  it('reads slash codes whose value is a megabyte of slashes, without the trailing slashes', () => {
    const details = readTransactionDetails([`/NAME/${'/'.repeat(HOSTILE_SIZE)}x/IBAN/NL91ABNA0417164300${'/'.repeat(HOSTILE_SIZE)}`]);
    expect(details.layout).toBe('slash-codes');
    expect(details.counterpartyName?.endsWith('/x')).toBe(true);
    expect(details.counterpartyAccount).toBe('NL91ABNA0417164300');
  }, GENEROUS_MS);

  it('reads an amount with a million decimal zeros exactly, and refuses one that ends in a 1', () => {
    expect(parseAmount(`12.5${'0'.repeat(HOSTILE_SIZE)}`, 'EUR')).toEqual({ minor: 1250, currency: 'EUR' });
    expect(() => parseAmount(`1.${'0'.repeat(HOSTILE_SIZE)}1`, 'EUR')).toThrow('decimals EUR allows');
  }, GENEROUS_MS);
});

describe('bytes that are not UTF-8 (the encoding chosen from a bounded sample of them)', () => {
  const bytes = hostileBytes();

  it('has the three cases', () => {
    expect(Object.keys(bytes)).toHaveLength(3);
  });

  it('refuses a megabyte of one non-ASCII byte, and of random bytes, as no statement', () => {
    for (const name of ['bytes: a megabyte of 0xB9 (not UTF-8; "ą" in Windows-1250)', 'bytes: a megabyte of random bytes']) {
      expect(() => readStatementFile(bytes[name]!)).toThrow(StatementParseError);
    }
  }, GENEROUS_MS);

  it('reads a megabyte of ISO-8859-2 MT940 with its Polish letters and payers', () => {
    const file = readStatementFile(bytes['bytes: an ISO-8859-2 MT940 of a megabyte']!);
    expect(file.encoding).toBe('iso-8859-2');
    const lines = file.statements[0]!.lines;
    expect(lines.length).toBeGreaterThan(10_000);
    expect(lines[0]!.payerName).toBe('ŚWIT USŁUG KOMUNALNYCH SP. Z O.O.');
    expect(file.statements[0]!.closingBalanceMinor).toBe(lines.length * 100);
  }, GENEROUS_MS);
});

describe('endless MT940 and BAI2 streams are refused after a bounded read (issue 15)', () => {
  const expected: Record<string, { message: RegExp; atMost: number }> = {
    'MT940: an endless line': { message: /^line 6: the line is longer than 2,097,152 characters/, atMost: MAX_LINE_CHARACTERS + 200_000 },
    'MT940: an endless :86: field of short lines': { message: /^line 6 \(record :86:\): field :86: is longer than 4,194,304 characters or 10,000 lines/, atMost: (MAX_FIELD_LINES + 10) * 12 + 200_000 },
    'MT940: an interim report of endless :61: lines before its currency': { message: /^line 200003 \(record :61:\): more than 100,000 statement lines .* before the statement names its currency and account/, atMost: (MAX_WAITING_LINES + 10) * 40 + 200_000 },
    'BAI2: endless 88 continuations of one 16 record': { message: /^line 4 \(record 16\): more than 10,000 continuation records \(88\)/, atMost: (MAX_CONTINUATIONS + 10) * 5 + 200_000 },
    'BAI2: an endless line': { message: /^line 4: the line is longer than 2,097,152 characters/, atMost: MAX_LINE_CHARACTERS + 200_000 },
    'any format: endless white space before the first character': { message: /^the file starts with more than 1,048,576 characters of white space/, atMost: MAX_LEADING_WHITE_SPACE + 200_000 },
  };
  const streams = hostileStreams();
  it('has a case for every endless stream', () => {
    expect(Object.keys(streams).sort()).toEqual(Object.keys(expected).sort());
  });
  for (const [name, stream] of Object.entries(streams)) {
    it(name, async () => {
      const counter = { characters: 0 };
      const lines: number[] = [];
      const error = await readStatementStream(stream(counter), (line) => void lines.push(line.amountMinor)).then(
        () => null,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(StatementParseError);
      expect((error as StatementParseError).message).toMatch(expected[name]!.message);
      expect((error as StatementParseError).message.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
      expect(counter.characters).toBeLessThanOrEqual(expected[name]!.atMost);
    }, GENEROUS_MS);
  }

  it('reads a large valid MT940 and BAI2 stream to its end (many short :86: lines and 88 continuations are fine)', async () => {
    let mt940 = 0;
    let bai2 = 0;
    expect(await readStatementStream(bigMt940(20_000), () => void mt940++)).toMatchObject({ format: 'mt940', lines: 20_000, warnings: [] });
    expect(await readStatementStream(bigBai2(20_000), () => void bai2++)).toMatchObject({ format: 'bai2', lines: 20_000, warnings: [] });
    expect([mt940, bai2]).toEqual([20_000, 20_000]);
  }, GENEROUS_MS);
});
