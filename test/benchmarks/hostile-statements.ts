/**
 * Hostile bank statement files against format detection and the readers: each input is about
 * 1 MB built to make a backtracking regular expression work quadratically or worse. Prints the
 * time per input; every one must be read (or refused with a StatementParseError) in linear time,
 * i.e. well under a second. `npx tsx test/benchmarks/hostile-statements.ts [size]`.
 * Then endless MT940 and BAI2 streams (an endless line, an endless `:86:` field, endless 88
 * continuations ...), each refused after a bounded read, and large valid MT940/BAI2 streams at two
 * sizes, with the time per line and the heap they took (issue 15).
 */
import { performance } from 'node:perf_hooks';
import { readStatementFile, StatementParseError } from '../../lambdas/core/bank-statements/read-statement-file';
import { readStatementStream } from '../../lambdas/core/bank-statements/stream';
import { parseAmount } from '../../lambdas/core/money/money';

export const HOSTILE_SIZE = 1_000_000;

/** The hostile inputs, by name: content of about `size` characters. */
export function hostileStatements(size = HOSTILE_SIZE): Record<string, string> {
  const mt940Head = ':20:STMT\n:25:DE89370400440532013000\n:28C:1/1\n:60F:C260101EUR0,00\n:61:2601010101C1,00NTRFNONREF\n';
  return {
    'one line of spaces ending in a letter (MT940 sniffed)': `:20:X\n${' '.repeat(size)}x\n`,
    'MT940 line of trailing white space before a letter': `${mt940Head}:86:text${' \t'.repeat(size / 2)}x\n:62F:C260101EUR1,00\n-`,
    'MT940 :86: slash codes with a run of slashes': `${mt940Head}:86:/NAME/${'/'.repeat(size)}x\n:62F:C260101EUR1,00\n-`,
    'MT940 amount with a million decimal zeros': `${mt940Head.replace('C1,00NTRF', `C1,${'0'.repeat(size)}1NTRF`)}:62F:C260101EUR1,00\n-`,
    'camt: "<Document " repeated without ">"': `<?xml version="1.0"?>${'<Document '.repeat(size / 10)}`,
    'camt: "<" and a million name characters': `<${'a'.repeat(size)}`,
    'camt: "<a:" prefixes repeated': `<${'a:'.repeat(size / 2)}`,
    'camt: processing instructions repeated': `${'<?x?>'.repeat(size / 5)}<Document>`,
    'camt: an unclosed comment': `<!--${'-'.repeat(size)}`,
    'camt: Document with a million-character attribute list': `<Document xmlns:p${' '.repeat(size)}`,
    'camt: nested elements': `<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">${'<a>'.repeat(size / 3)}`,
    'BAI2: a header and a million commas': `01,${','.repeat(size)}`,
    'CSV: a header and a million quotes': `date,amount,currency,reference,payer_name,payer_account\n${'"'.repeat(size)}`,
    'MT940 sniffing: a million line breaks': '\n'.repeat(size),
    'MT940 sniffing: twenty lines then a million spaces': `${'x\n'.repeat(20)}${' '.repeat(size)}`,
    'nothing: a million letters': 'a'.repeat(size),
    'nothing: a million colons and digits': ':1'.repeat(size / 2),
    'MT940 :86: field of short lines': `${mt940Head}:86:${'?20abcdefgh\n'.repeat(size / 12)}:62F:C260101EUR1,00\n-`,
    'MT940 one line of a million characters': `${mt940Head}:86:${'x'.repeat(size)}\n:62F:C260101EUR1,00\n-`,
    'BAI2: a 16 record with 88 continuations': `${BAI2_HEAD}16,195,100,Z,B-1,,TEXT\n${'88,x\n'.repeat(size / 5)}49,100,3/\n98,100,1,5/\n99,100,1,7/`,
    'camt: an AppHdr then "<Document " repeated without ">"': `<Envelope><AppHdr/>${'<Document '.repeat(size / 10)}`,
    'camt: an AppHdr with a megabyte body before the Document': `<Envelope><AppHdr>${'<a>x</a>'.repeat(size / 8)}</AppHdr><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"/></Envelope>`,
    'MT940 :NS: fields between a :61: and its :86: (one warning each)': `${mt940Head}${':NS:x\n'.repeat(size / 6)}:86:x\n:62F:C260101EUR1,00\n-`,
    'MT940 :86: lines of a lone "-" each followed by :86:': `${mt940Head}:86:x\n${'-\n:86:x\n'.repeat(size / 8)}:62F:C260101EUR1,00\n-`,
  };
}

const BAI2_HEAD = '01,SENDER,RECEIVER,260302,1200,F-1,,,2/\n02,RECEIVER,BANK,1,260301,,USD,2/\n03,ACC-1,USD/\n';

/** Endless text, as a stream: `head`, then `body` again and again, in chunks of about 64 KiB. */
async function* endless(head: string, body: string, counter: { characters: number }): AsyncGenerator<string> {
  counter.characters += head.length;
  yield head;
  const chunk = body.repeat(Math.max(1, Math.floor(65_536 / body.length)));
  for (;;) {
    counter.characters += chunk.length;
    yield chunk;
  }
}

/**
 * Statement streams that never end (as a network upload or a pipe may not): the streaming readers
 * must refuse each after a bounded amount of text, holding a bounded amount of memory. Each call
 * gives a fresh stream; `counter` counts the characters it handed out.
 */
export function hostileStreams(): Record<string, (counter: { characters: number }) => AsyncIterable<string>> {
  const mt940Head = ':20:STMT\n:25:DE89370400440532013000\n:28C:1/1\n:60F:C260101EUR0,00\n:61:2601010101C1,00NTRFNONREF\n';
  return {
    'MT940: an endless line': (counter) => endless(`${mt940Head}:86:`, 'x', counter),
    'MT940: an endless :86: field of short lines': (counter) => endless(`${mt940Head}:86:166`, '?20abcdefgh\n', counter),
    'MT940: an interim report of endless :61: lines before its currency': (counter) => endless(':20:STMT\n:25:DE89370400440532013000\n', ':61:2601010101C1,00NTRFNONREF\n:86:text\n', counter),
    'BAI2: endless 88 continuations of one 16 record': (counter) => endless(`${BAI2_HEAD}16,195,100,Z,B-1,,TEXT\n`, '88,x\n', counter),
    'BAI2: an endless line': (counter) => endless(`${BAI2_HEAD}16,195,100,Z,B-1,,`, 'x', counter),
    'any format: endless white space before the first character': (counter) => endless('', ' \n', counter),
  };
}

/** A valid MT940 file of `lines` statement lines as a stream, for linear time and flat memory. */
export async function* bigMt940(lines: number): AsyncGenerator<string> {
  yield ':20:STMT\n:25:DE89370400440532013000\n:28C:1/1\n:60F:C260101EUR0,00\n';
  let chunk = '';
  for (let i = 1; i <= lines; i++) {
    chunk += `:61:2601010101C1,00NTRFNONREF//B-${i}\n:86:166?00GUTSCHRIFT?20SVWZ+RE ${i}?21more text?32Payer ${i}\n`;
    if (chunk.length > 65_536) {
      yield chunk;
      chunk = '';
    }
  }
  yield `${chunk}:62F:C260102EUR${lines},00\n-\n`;
}

/** A valid BAI2 file whose 16 records have four 88 continuations each (millions in all for a large `lines`). */
export async function* bigBai2(lines: number): AsyncGenerator<string> {
  yield BAI2_HEAD;
  let chunk = '';
  for (let i = 1; i <= lines; i++) {
    chunk += `16,195,100,Z,B-${i},C-${i},INVOICE ${i}\n88,PAYER ${i}\n88,SECOND LINE\n88,THIRD LINE\n88,FOURTH LINE\n`;
    if (chunk.length > 65_536) {
      yield chunk;
      chunk = '';
    }
  }
  const records = 2 + lines * 5;
  yield `${chunk}49,${lines * 100},${records}/\n98,${lines * 100},1,${records + 2}/\n99,${lines * 100},1,${records + 4}/\n`;
}

/**
 * Bytes that are not UTF-8, so the single-byte encoding is chosen from them (`decode.ts`): its
 * evidence is bounded (the first 4,096 non-ASCII bytes, 64 KiB), whatever the size.
 */
export function hostileBytes(size = HOSTILE_SIZE): Record<string, Uint8Array> {
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) % 256;
  const line = ':61:2603100310C1,00NTRFNONREF\n:86:OD: \xa6WIT US\xa3UG KOMUNALNYCH SP. Z O.O.; TYT.: FV 1\n';
  const lines = Math.max(1, Math.floor(size / line.length));
  const mt940 = `:20:X\n:25:PL61109010140000071219812874\n:28C:1/1\n:60F:C260309PLN0,00\n${line.repeat(lines)}:62F:C260310PLN${lines},00\n-\n`;
  return {
    'bytes: a megabyte of 0xB9 (not UTF-8; "ą" in Windows-1250)': new Uint8Array(size).fill(0xb9),
    'bytes: a megabyte of random bytes': Uint8Array.from({ length: size }, random),
    'bytes: an ISO-8859-2 MT940 of a megabyte': Buffer.from(mt940, 'latin1'),
  };
}

/** Amounts in API requests go through the same decimal reading. */
export function hostileAmounts(size = HOSTILE_SIZE): Record<string, () => unknown> {
  return {
    'parseAmount: a million decimal zeros then a 1': () => parseAmount(`1.${'0'.repeat(size)}1`, 'EUR'),
    'parseAmount: a million decimal zeros': () => parseAmount(`1.${'0'.repeat(size)}`, 'EUR'),
  };
}

async function main(): Promise<void> {
  const size = Number(process.argv[2] ?? HOSTILE_SIZE);
  const rows: [string, string, string][] = [];
  const time = (name: string, run: () => unknown) => {
    const started = performance.now();
    let outcome: string;
    try {
      const result = run() as { statements?: unknown[] } | undefined;
      outcome = result && typeof result === 'object' && 'statements' in result ? `read (${result.statements?.length} statements)` : 'accepted';
    } catch (error) {
      outcome = error instanceof StatementParseError ? 'refused (StatementParseError)' : `refused (${(error as Error).name})`;
    }
    rows.push([name, `${(performance.now() - started).toFixed(1)} ms`, outcome]);
  };
  for (const [name, content] of Object.entries(hostileStatements(size))) time(name, () => readStatementFile(content));
  for (const [name, bytes] of Object.entries(hostileBytes(size))) time(name, () => readStatementFile(bytes));
  for (const [name, run] of Object.entries(hostileAmounts(size))) time(name, run);
  const width = Math.max(...rows.map((r) => r[0].length));
  console.log(`hostile inputs of about ${size.toLocaleString('en-US')} characters`);
  for (const [name, ms, outcome] of rows) console.log(`${name.padEnd(width)}  ${ms.padStart(10)}  ${outcome}`);
  await streams();
}

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** The endless streams (refused after a bounded read) and large valid streams at two sizes (linear time, flat memory). */
async function streams(): Promise<void> {
  console.log('\nendless streams through readStatementStream (MT940 and BAI2 read line by line)');
  const rows: string[][] = [];
  for (const [name, stream] of Object.entries(hostileStreams())) {
    const counter = { characters: 0 };
    const heap = process.memoryUsage().heapUsed;
    let peakHeap = heap;
    const started = performance.now();
    let outcome: string;
    try {
      // The heap is sampled at each chunk read (a reader may hold text without handing out a line).
      const sampled = async function* (): AsyncGenerator<string> {
        for await (const chunk of stream(counter)) {
          peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
          yield chunk;
        }
      };
      await readStatementStream(sampled(), () => undefined);
      outcome = 'read (must not happen: the stream has no end)';
    } catch (error) {
      outcome = error instanceof StatementParseError ? `refused: ${error.message.slice(0, 90)}` : `failed (${(error as Error).name})`;
    }
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
    rows.push([name, `${(performance.now() - started).toFixed(0)} ms`, `${counter.characters.toLocaleString('en-US')} characters read`, `heap +${mb(peakHeap - heap)}`, outcome]);
  }
  for (const row of rows) console.log(row.join('  '));
  console.log('\nlarge valid streams: time per line and memory must not grow with the file');
  for (const [name, make, unit] of [
    ['MT940', bigMt940, 'lines'],
    ['BAI2 (four 88 continuations per 16 record)', bigBai2, 'lines'],
  ] as const) {
    for (const lines of [250_000, 1_000_000]) {
      globalThis.gc?.();
      const heap = process.memoryUsage().heapUsed;
      // With --expose-gc the heap still in use is measured after a collection at each quarter of the file.
      const retained: string[] = [];
      let count = 0;
      const started = performance.now();
      let paused = 0;
      const file = await readStatementStream(make(lines), () => {
        if (++count % (lines / 4) === 0 && globalThis.gc) {
          const pause = performance.now();
          globalThis.gc();
          retained.push(mb(process.memoryUsage().heapUsed - heap));
          paused += performance.now() - pause;
        }
      });
      const ms = performance.now() - started - paused;
      console.log(
        `${name}: ${file.lines.toLocaleString('en-US')} ${unit} in ${(ms / 1000).toFixed(1)} s (${((ms * 1000) / lines).toFixed(1)} µs per line); heap in use at each quarter ${retained.length ? retained.join(', ') : 'not measured (run with node --expose-gc)'}; rss ${mb(process.memoryUsage().rss)}`,
      );
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
