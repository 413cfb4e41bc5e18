/**
 * The streaming reading (`readStatementStream`, used by `npm run cashapp`) gives exactly what the
 * whole-file reading gives: every bank sample of the conformance suite, fed in chunks of a few
 * characters and in large ones, yields the same lines, statements, warnings and identity, or the
 * same error; and a camt file is handed out entry by entry while it is read.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeStatementBytes, readStatementFile } from '../../../lambdas/core/bank-statements/read-statement-file';
import { readStatementStream } from '../../../lambdas/core/bank-statements/stream';
import { StatementParseError, type StatementLine } from '../../../lambdas/core/bank-statements/statement';

const here = path.dirname(fileURLToPath(import.meta.url));
const samples = path.resolve(here, '../../fixtures/bank/samples');
const files = (fs.readdirSync(samples, { recursive: true }) as string[])
  .filter((name) => /\.(xml|sta|STA|txt|mta|bai2|csv)$/.test(name))
  .sort();

async function* chunked(text: string, size: number): AsyncGenerator<string> {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}

type Outcome = { error: { message: string; location: unknown } } | { file: unknown };

function wholeReading(text: string, fileName: string): Outcome {
  try {
    const file = readStatementFile(text, { fileName });
    return { file: { ...file, encoding: undefined } };
  } catch (error) {
    if (error instanceof StatementParseError) return { error: { message: error.message, location: error.location } };
    throw error;
  }
}

describe('streaming reading agrees with the whole-file reading on every bank sample', () => {
  it('has samples to compare', () => {
    expect(files.length).toBeGreaterThan(150);
  });
  for (const name of files) {
    it(name, async () => {
      const text = decodeStatementBytes(fs.readFileSync(path.join(samples, name))).text;
      const expected = wholeReading(text, path.basename(name));
      for (const size of [7, 1 << 16]) {
        const actual = await streamedReading(text, path.basename(name), size, []);
        expect(actual).toEqual(expected);
      }
    });
  }
});

/** The streamed reading reassembled into the whole-file shape. */
async function streamedReading(text: string, fileName: string, size: number, headers: object[]): Promise<Outcome> {
  const byHeader = new Map<object, StatementLine[]>();
  try {
    const file = await readStatementStream(
      chunked(text, size),
      (line, statement) => {
        if (!byHeader.has(statement)) {
          byHeader.set(statement, []);
          headers.push(statement);
        }
        byHeader.get(statement)!.push(line);
      },
      { fileName },
    );
    const { lines: count, statements, ...rest } = file;
    const reassembled = statements.map((statement) => {
      // CSV's statement gets its currency at the end: its lines came with the one header handed out.
      const lines = byHeader.get(statement) ?? (statements.length === 1 && headers.length === 1 ? byHeader.get(headers[0]!)! : []);
      return { ...statement, lines };
    });
    expect(reassembled.reduce((sum, s) => sum + s.lines.length, 0)).toBe(count);
    return { file: { ...rest, statements: reassembled, encoding: undefined } };
  } catch (error) {
    if (error instanceof StatementParseError) return { error: { message: error.message, location: error.location } };
    throw error;
  }
}

describe('a camt file is read entry by entry', () => {
  it('hands out the first lines before the rest of the file has arrived', async () => {
    const entry = (n: number): string =>
      `<Ntry><Amt Ccy="EUR">${n}.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-03-02</Dt></BookgDt><AcctSvcrRef>R${n}</AcctSvcrRef></Ntry>`;
    const head = `<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><GrpHdr><MsgId>M</MsgId></GrpHdr><Stmt><Id>S</Id><Acct><Id><IBAN>FI2112345600000785</IBAN></Id></Acct>`;
    const seenBeforeEnd: number[] = [];
    let ended = false;
    async function* source(): AsyncGenerator<string> {
      yield head + ' '.repeat(70_000);
      for (let n = 1; n <= 3; n++) yield entry(n);
      ended = true;
      yield '</Stmt></BkToCstmrStmt></Document>';
    }
    const file = await readStatementStream(source(), (line) => {
      if (!ended) seenBeforeEnd.push(line.amountMinor);
    });
    expect(file.lines).toBe(3);
    expect(seenBeforeEnd).toEqual([100, 200, 300]);
    expect(file.format).toBe('camt.053');
    expect(file.fileIdentity).toBe(JSON.stringify(['camt.053', 'M', 'FI2112345600000785', 'S']));
  });

  it('refuses a file that breaks after its first entries, as the whole-file reading does', async () => {
    const text = `<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><Stmt><Ntry><Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd></Ntry><Ntry><Amt Ccy="EUR">x</Amt><CdtDbtInd>CRDT</CdtDbtInd></Ntry></Stmt></BkToCstmrStmt></Document>`;
    const expected = wholeReading(text, 's.xml');
    expect(expected).toMatchObject({ error: { message: 's.xml: Document/BkToCstmrStmt/Stmt/Ntry[2]/Amt: amount "x" is not a decimal number' } });
    expect(await streamedReading(text, 's.xml', 5, [])).toEqual(expected);
  });
});
