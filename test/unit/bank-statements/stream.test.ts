/**
 * The streaming reading (`readStatementStream`, used by `npm run cashapp`) gives exactly what the
 * whole-file reading gives: every bank sample of the conformance suite, fed in chunks of a few
 * characters and in large ones, yields the same lines, statements, warnings and identity, or the
 * same error; and a camt file is handed out entry by entry while it is read. MT940 and BAI2 go
 * through their streaming readers too (issue 15): also fed as bytes split at every position (inside
 * a line, between CR and LF, inside a UTF-8 or Windows-1252 character), with the same errors and line
 * numbers for a cut-off file and a broken control total, and with each line handed out while the
 * file is still being read.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeStatementChunks, statementEncodingOf } from '../../../lambdas/core/bank-statements/decode';
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

function wholeReading(text: string | Uint8Array, fileName: string): Outcome {
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
async function streamedReading(text: string | AsyncIterable<string>, fileName: string, size: number, headers: object[]): Promise<Outcome> {
  const byHeader = new Map<object, StatementLine[]>();
  try {
    const file = await readStatementStream(
      typeof text === 'string' ? chunked(text, size) : text,
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

// ---------------------------------------------------------------------------------------------
// MT940 and BAI2 line by line (issue 15)
// ---------------------------------------------------------------------------------------------

const lineFormats = files.filter((name) => /\.(sta|STA|txt|mta|bai2)$/.test(name));

async function* byteChunks(bytes: Uint8Array, cuts: readonly number[]): AsyncGenerator<Uint8Array> {
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    if (cut > start) yield bytes.subarray(start, cut);
    start = Math.max(start, cut);
  }
}

/** Bytes to text as `npm run cashapp` decodes them: the encoding found in one pass, then chunk by chunk. */
async function* decodedChunks(bytes: Uint8Array, cuts: readonly number[]): AsyncGenerator<string> {
  yield* decodeStatementChunks(byteChunks(bytes, cuts), await statementEncodingOf(byteChunks(bytes, cuts)));
}

const everyCut = (length: number, step: number): number[] => Array.from({ length: Math.ceil(length / step) }, (_, i) => (i + 1) * step);

describe('MT940 and BAI2 are streamed line by line, whatever the chunks', () => {
  it('has MT940 and BAI2 samples among them', () => {
    expect(lineFormats.filter((name) => name.endsWith('.bai2')).length).toBeGreaterThanOrEqual(4);
    expect(lineFormats.length).toBeGreaterThan(100);
  });

  it('reads every MT940 and BAI2 sample from bytes in chunks of 1, 2 and 5 bytes as the whole file', async () => {
    for (const name of lineFormats) {
      const bytes = new Uint8Array(fs.readFileSync(path.join(samples, name)));
      const expected = wholeReading(bytes, path.basename(name));
      for (const step of [1, 2, 5]) {
        const actual = await streamedReading(decodedChunks(bytes, everyCut(bytes.length, step)), path.basename(name), 0, []);
        expect({ name, step, actual }).toEqual({ name, step, actual: expected });
      }
    }
  });

  // Small files with a UTF-8 umlaut (LF and CRLF), a Windows-1252 one, SWIFT blocks, and BAI2 in LF and CRLF.
  const everyPosition = ['mt940-kingsquare/Kontist-sample.sta', 'mt940-jejik-php/sparkasse.txt', 'mt940/self-provided/raiffeisen-cmi.sta', 'mt940-rs/mt940/special-cases/invalid_utf8.sta', 'bai2/svb_us_example.bai2', 'mt940-zilverline/rabobank/dash_as_start_of_line.txt', 'mt940-zilverline/abn/moneyou.txt'];
  for (const name of everyPosition) {
    for (const ends of ['as written', 'CRLF'] as const) {
      it(`${name} (${ends}) split at every byte into three chunks reads as the whole file`, async () => {
        const original = new Uint8Array(fs.readFileSync(path.join(samples, name)));
        const bytes = ends === 'CRLF' ? crlf(original) : original;
        const expected = wholeReading(bytes, path.basename(name));
        expect(expected).toHaveProperty('file');
        for (let cut = 1; cut < bytes.length; cut++) {
          const actual = await streamedReading(decodedChunks(bytes, [cut, cut + 1]), path.basename(name), 0, []);
          if (JSON.stringify(actual) !== JSON.stringify(expected)) expect({ cut, actual }).toEqual({ cut, actual: expected });
        }
      });
    }
  }

  it('the every-position files do hold multi-byte characters and CR LF line ends', () => {
    const kontist = fs.readFileSync(path.join(samples, 'mt940-kingsquare/Kontist-sample.sta'));
    expect(kontist.includes(Buffer.from('ü', 'utf8'))).toBe(true);
    expect(fs.readFileSync(path.join(samples, 'mt940-jejik-php/sparkasse.txt')).includes(Buffer.from('\r\n'))).toBe(true);
    expect(decodeStatementBytes(fs.readFileSync(path.join(samples, 'mt940/self-provided/raiffeisen-cmi.sta'))).encoding).toBe('ibm852');
  });
});

/** The same bytes with every LF (and CR LF) written as CR LF. */
function crlf(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(Buffer.from(Buffer.from(bytes).toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1'));
}

const mt940 = (lines: number, extra = ''): string =>
  [
    ':20:STMT-1',
    ':25:DE89370400440532013000',
    ':28C:1/1',
    ':60F:C260301EUR100,00',
    ...Array.from({ length: lines }, (_, i) => [`:61:2603020302C${i + 1},00NTRFNONREF//B-${i + 1}`, `:86:166?20SVWZ+RE ${i + 1}?32Payer ${i + 1}`]).flat(),
    extra,
    `:62F:C260302EUR${100 + (lines * (lines + 1)) / 2},00`,
    '-',
  ]
    .filter((line) => line !== '')
    .join('\n');

const bai2 = (total = '1200'): string =>
  [
    '01,SENDER,RECEIVER,260302,1200,F-1,,,2/',
    '02,RECEIVER,BANK,1,260301,,USD,2/',
    '03,ACC-1,USD,010,0,,,015,600,,/',
    '16,195,100,Z,BANK-1,,ONE',
    '88,MORE TEXT',
    '16,195,200,Z,BANK-2,,TWO',
    '16,195,300,Z,BANK-3,,THREE',
    `49,${total},6/`,
    `98,${total},1,8/`,
    `99,${total},1,10/`,
  ].join('\n');

describe('MT940 and BAI2 errors are those of the whole-file reading, with their line', () => {
  const cases: Record<string, { text: string; message: RegExp }> = {
    'MT940 cut off inside a :61: line': { text: mt940(3).slice(0, mt940(3).indexOf(':61:2603020302C3') + 12), message: /^f\.sta: line 9 \(record :61:\): "26030203" is not a statement line/ },
    'MT940 with a malformed balance after its lines': { text: mt940(3).replace(':62F:C260302EUR106,00', ':62F:C2603EUR106,00'), message: /^f\.sta: line 11 \(record :62F:\): "C2603EUR106,00" is not a balance/ },
    'MT940 with a line after the closing balance': { text: `${mt940(2).replace(/\n-$/, '')}\n:61:2603020302C1,00NTRFNONREF\n-`, message: /^f\.sta: line 10 \(record :61:\): statement line after the closing balance/ },
    'BAI2 cut off before its trailers': { text: bai2().split('\n').slice(0, 7).join('\n'), message: /^f\.sta: line 7: account ACC-1 must end with a 49 account trailer, but the file ends here/ },
    'BAI2 with a broken account control total': { text: bai2().replace('49,1200,6/', '49,1201,6/'), message: /^f\.sta: line 8 \(record 49\): account control total 1201 does not match 1200/ },
    'BAI2 with a broken file control total': { text: bai2().replace('99,1200,', '99,1300,'), message: /^f\.sta: line 10 \(record 99\): file control total 1300 does not match 1200/ },
    'BAI2 with an unknown record': { text: bai2().replace('02,RECEIVER', '05,RECEIVER'), message: /^f\.sta: line 2: "05,RECEIVER,BANK,1,2" is not a BAI2 record/ },
  };
  for (const [name, { text, message }] of Object.entries(cases)) {
    it(name, async () => {
      const expected = wholeReading(text, 'f.sta');
      expect(expected).toMatchObject({ error: { message: expect.stringMatching(message) } });
      for (const size of [1, 3, 7, 1 << 16]) expect(await streamedReading(text, 'f.sta', size, [])).toEqual(expected);
      expect(await streamedReading(text.replace(/\n/g, '\r\n'), 'f.sta', 5, [])).toEqual(expected);
    });
  }

  it('hands out the BAI2 lines before a broken control total, then refuses the file', async () => {
    const seen: number[] = [];
    // After a head of blank lines: the format is recognised from the first 64 KiB before any line is read.
    const text = `${'\n'.repeat(70_000)}${bai2().replace('49,1200,6/', '49,1201,6/')}`;
    await expect(readStatementStream(chunked(text, 4), (line) => void seen.push(line.amountMinor))).rejects.toThrow('line 70008 (record 49): account control total 1201 does not match 1200');
    expect(seen).toEqual([100, 200, 300]);
  });
});

describe('MT940 and BAI2 lines are handed out while the file is read', () => {
  /** Yields `parts` one by one (after a 64 KiB head of blank lines, which the format detection reads first), noting which lines came before each part. */
  async function handedOutBefore(parts: readonly string[]): Promise<{ before: number[][]; file: Awaited<ReturnType<typeof readStatementStream>> }> {
    const seen: number[] = [];
    const before: number[][] = [];
    async function* source(): AsyncGenerator<string> {
      yield `${parts[0]}\n${'\n'.repeat(70_000)}`;
      for (const part of parts.slice(1)) {
        before.push([...seen]);
        yield part;
      }
    }
    const file = await readStatementStream(source(), (line) => void seen.push(line.amountMinor));
    before.push(seen);
    return { before, file };
  }

  it('MT940: a :61: line with its :86: lines as soon as the next field starts', async () => {
    const { before, file } = await handedOutBefore([
      ':20:STMT-1\n:25:DE89370400440532013000\n:28C:1/1\n:60F:C260301EUR0,00',
      ':61:2603020302C1,00NTRFNONREF//B-1\n:86:166?20SVWZ+RE 1\n',
      '?32Payer 1\n:61:2603020302C2,00NTRFNONREF//B-2\n',
      ':86:166?20SVWZ+RE 2\n:62F:C260302EUR3,00\n-',
    ]);
    expect(before).toEqual([[], [], [100], [100, 200]]);
    expect(file).toMatchObject({ format: 'mt940', lines: 2, warnings: [], statements: [{ statementId: 'STMT-1/1/1', openingBalanceMinor: 0, closingBalanceMinor: 300 }] });
  });

  it('BAI2: a 16 record with its 88 continuations as soon as the next record starts', async () => {
    const { before, file } = await handedOutBefore([
      '01,SENDER,RECEIVER,260302,1200,F-1,,,2/\n02,RECEIVER,BANK,1,260301,,USD,2/\n03,ACC-1,USD,010,0,,,015,600,,/',
      '16,195,100,Z,BANK-1,,ONE\n88,MORE\n',
      '16,195,200,Z,BANK-2,,TWO\n',
      '16,195,300,Z,BANK-3,,THREE\n49,1200,6/\n98,1200,1,8/\n99,1200,1,10/',
    ]);
    expect(before).toEqual([[], [], [100], [100, 200, 300]]);
    expect(file).toMatchObject({ format: 'bai2', lines: 3, warnings: [] });
  });

  it('MT940 interim report without an opening balance: its lines wait for the currency of its closing balance', async () => {
    const { before, file } = await handedOutBefore([
      ':20:STMT-1\n:25:DE89370400440532013000\n:28C:1/1',
      ':61:2603020302C1,00NTRFNONREF//B-1\n:61:2603020302C2,00NTRFNONREF//B-2\n',
      ':62F:C260302JPY3\n-',
    ]);
    expect(before).toEqual([[], [], [1, 2]]);
    expect(file.statements[0]).toMatchObject({ currency: 'JPY' });
  });
});

describe('hostile cases of the envelope, :NS: and status rules read alike streamed and whole', () => {
  const ns = 'urn:iso:std:iso:20022:tech:xsd:camt.053.001.08';
  const entry = (status: string): string =>
    `<Ntry><Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>${status}</Cd></Sts><BookgDt><Dt>2026-01-01</Dt></BookgDt><ValDt><Dt>2026-01-01</Dt></ValDt></Ntry>`;
  const document = (entries: string): string =>
    `<Document xmlns="${ns}"><BkToCstmrStmt><GrpHdr><MsgId>M</MsgId><CreDtTm>2026-01-01T00:00:00</CreDtTm></GrpHdr><Stmt><Id>S</Id><Acct><Id><IBAN>DE89370400440532013000</IBAN></Id></Acct>${entries}</Stmt></BkToCstmrStmt></Document>`;
  const mt940Head = ':20:STMT\n:25:DE89370400440532013000\n:28C:1/1\n:60F:C260101EUR0,00\n:61:2601010101C1,00NTRFNONREF\n';
  const cases: Record<string, string> = {
    // Before the fix the whole file was read and the stream refused it (its head stops at 1 MiB).
    'an AppHdr with a body of more than a megabyte before the Document': `<Envelope><AppHdr>${'<a>x</a>'.repeat(140_000)}</AppHdr>${document(entry('BOOK'))}</Envelope>`,
    'an AppHdr with a small body before the Document': `<Envelope><AppHdr>${'<a>x</a>'.repeat(1_000)}</AppHdr>${document(entry('BOOK'))}</Envelope>`,
    'a Document before the AppHdr': `<Envelope>${document(entry('BOOK'))}<AppHdr/></Envelope>`,
    'a Document named in a comment after the AppHdr, the real one in another namespace': `<Envelope><AppHdr/><!-- <Document xmlns="${ns}"> --><Document xmlns="urn:x"/></Envelope>`,
    'two thousand entries of distinct statuses': document(Array.from({ length: 2_000 }, (_, i) => entry(`S${i}`)).join('')),
    'a thousand :NS: fields between a :61: and its :86:': `${mt940Head}${':NS:x\n'.repeat(1_000)}:86:text\n:62F:C260101EUR1,00\n-`,
    // Before the fix the stream held white space without limit, waiting for a first character.
    'more than a megabyte of white space before a statement': `${' \n'.repeat(600_000)}${mt940Head}:62F:C260101EUR1,00\n-`,
    'only white space, two megabytes': ' '.repeat(2 << 20),
    'a megabyte of white space before a statement, just within the limit': `${' \n'.repeat(524_287)}${mt940Head}:62F:C260101EUR1,00\n-`,
  };
  it.each(Object.keys(cases))('%s', async (name) => {
    const text = cases[name]!;
    const expected = wholeReading(text, 'f.xml');
    for (const size of [7, 1 << 16]) expect(await streamedReading(text, 'f.xml', size, [])).toEqual(expected);
  }, 60_000);

  it('refuses a megabyte of "<Document " without ">" after an AppHdr, streamed, in linear time (minutes before the fix)', async () => {
    const text = `<Envelope><AppHdr/>${'<Document '.repeat(100_000)}`;
    const started = performance.now();
    const outcome = await streamedReading(text, 'f.xml', 1 << 16, []);
    expect(outcome).toEqual(wholeReading(text, 'f.xml'));
    expect(outcome).toEqual({ error: expect.objectContaining({ message: expect.stringContaining('not a camt.052, camt.053 or camt.054') }) });
    expect(performance.now() - started).toBeLessThan(10_000);
  }, 60_000);

  it('refuses a file that starts with more than a megabyte of white space, naming it, and reads one just within', async () => {
    for (const name of ['more than a megabyte of white space before a statement', 'only white space, two megabytes']) {
      expect(wholeReading(cases[name]!, 'f.sta')).toEqual({ error: expect.objectContaining({ message: expect.stringContaining('starts with more than 1,048,576 characters of white space') }) });
    }
    expect(readStatementFile(cases['a megabyte of white space before a statement, just within the limit']!).statements[0]!.lines).toHaveLength(1);
  });

  it('names at most eight statuses of entries not booked and counts the rest as other', () => {
    const file = readStatementFile(cases['two thousand entries of distinct statuses']!);
    const warning = file.warnings.find((w) => w.code === 'entries-not-booked')!;
    expect(warning.message).toContain('1 with status S0, ');
    expect(warning.message).toContain('1992 with status other');
    expect(warning.message.length).toBeLessThan(600);
  });

  it('keeps 100 warnings of one code and says how many more there were', () => {
    const file = readStatementFile(cases['a thousand :NS: fields between a :61: and its :86:']!);
    expect(file.warnings.filter((w) => w.code === 'non-standard-field')).toHaveLength(101);
    expect(file.warnings.at(-1)!.message).toBe('file: 900 more warnings non-standard-field not listed');
    expect(file.statements[0]!.lines).toHaveLength(1);
    expect(file.statements[0]!.lines[0]!.amountMinor).toBe(100);
  });
});
