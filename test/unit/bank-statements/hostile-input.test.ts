/**
 * Format detection and the readers run in linear time: about 1 MB of content built against each
 * regular expression that used to backtrack (trailing white space, runs of slashes or zeros, an
 * unanchored search for the `Document` root) is read or refused with a StatementParseError, not
 * hours later. Times are measured by `npx tsx test/benchmarks/hostile-statements.ts`; here each
 * input only has a generous timeout (before the fix the first ones took far longer than a minute).
 */
import { describe, expect, it } from 'vitest';
import { MAX_MESSAGE_LENGTH, readStatementFile, StatementParseError } from '../../../lambdas/core/bank-statements/read-statement-file';
import { readTransactionDetails } from '../../../lambdas/core/bank-statements/mt940';
import { parseAmount } from '../../../lambdas/core/money/money';
import { hostileStatements, HOSTILE_SIZE } from '../../benchmarks/hostile-statements';

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
