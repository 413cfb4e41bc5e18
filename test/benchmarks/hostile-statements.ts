/**
 * Hostile bank statement files against format detection and the readers: each input is about
 * 1 MB built to make a backtracking regular expression work quadratically or worse. Prints the
 * time per input; every one must be read (or refused with a StatementParseError) in linear time,
 * i.e. well under a second. `npx tsx test/benchmarks/hostile-statements.ts [size]`.
 */
import { performance } from 'node:perf_hooks';
import { readStatementFile, StatementParseError } from '../../lambdas/core/bank-statements/read-statement-file';
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
  };
}

/** Amounts in API requests go through the same decimal reading. */
export function hostileAmounts(size = HOSTILE_SIZE): Record<string, () => unknown> {
  return {
    'parseAmount: a million decimal zeros then a 1': () => parseAmount(`1.${'0'.repeat(size)}1`, 'EUR'),
    'parseAmount: a million decimal zeros': () => parseAmount(`1.${'0'.repeat(size)}`, 'EUR'),
  };
}

function main(): void {
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
  for (const [name, run] of Object.entries(hostileAmounts(size))) time(name, run);
  const width = Math.max(...rows.map((r) => r[0].length));
  console.log(`hostile inputs of about ${size.toLocaleString('en-US')} characters`);
  for (const [name, ms, outcome] of rows) console.log(`${name.padEnd(width)}  ${ms.padStart(10)}  ${outcome}`);
}

if (import.meta.url === `file://${process.argv[1]}`) main();
