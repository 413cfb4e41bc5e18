/**
 * Format detection (`readStatementFile`: camt namespace, BAI2, CSV and MT940 sniffing) on hostile
 * input: each input is about `size` characters built against a regular expression of the
 * detection path that could backtrack (repeated `:20:` prefixes, long lines without line breaks,
 * long runs of white space, `<Document ` without `>`, deeply repeated XML-like text). Prints the
 * time per input at a quarter, half and all of the size: linear time doubles with the size,
 * quadratic time quadruples. `npx tsx test/benchmarks/statement-detection.ts [size]`.
 */
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { readStatementFile, StatementParseError } from '../../lambdas/core/bank-statements/read-statement-file';

export const DETECTION_HOSTILE_SIZE = 1 << 20;

/** The hostile inputs by name, each about `size` characters. */
export function hostileDetectionInputs(size = DETECTION_HOSTILE_SIZE): Record<string, string> {
  return {
    'repeated ":20:" on one line': ':20:'.repeat(size / 4),
    'repeated ":20:X" lines': ':20:X\n'.repeat(size / 6),
    '":20:" then a line of spaces ending in a letter': `:20:${' '.repeat(size)}x`,
    'one line without a line break': 'a'.repeat(size),
    'line breaks only, then a letter': `${'\n'.repeat(size)}x`,
    'spaces only, then a letter': `${' '.repeat(size)}x`,
    'SWIFT "{1:" blocks repeated': '{1:'.repeat(size / 3),
    '"<Document " repeated without ">"': `<x>${'<Document '.repeat(size / 10)}`,
    '"<a:Document a" repeated without ">"': '<a:Document a'.repeat(size / 13),
    'XML elements nested deeply': '<a>'.repeat(size / 3),
    'camt Document with elements nested deeply': `<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">${'<a>'.repeat(size / 3)}`,
    'processing instructions repeated': '<?x?>'.repeat(size / 5),
    'an unclosed comment': `<!--${'<!--'.repeat(size / 4)}`,
    'an unclosed doctype': `<!DOCTYPE ${'a'.repeat(size)}`,
    'an unclosed doctype subset': `<!DOCTYPE Document [${'<!ENTITY a "b">'.repeat(size / 15)}`,
    '"xmlns:a=" repeated in the root tag': `<Document ${'xmlns:a="'.repeat(size / 9)}`,
    'CSV header start and commas': `date,${','.repeat(size)}`,
    'BAI2 header start and commas': `01,${','.repeat(size)}`,
  };
}

/** Reads `content`: the format read, or the parse error's message; anything else is thrown. */
export function detect(content: string): { format: string } | { refused: string } {
  try {
    return { format: readStatementFile(content).format };
  } catch (error) {
    if (error instanceof StatementParseError) return { refused: error.message };
    throw error;
  }
}

function main(): void {
  const size = Number(process.argv[2] ?? DETECTION_HOSTILE_SIZE);
  const sizes = [size / 4, size / 2, size].map(Math.floor);
  process.stdout.write(`${'input'.padEnd(48)} ${sizes.map((s) => `${(s / 1024).toFixed(0)} KiB`.padStart(10)).join(' ')}  outcome\n`);
  for (const name of Object.keys(hostileDetectionInputs(size))) {
    const times: string[] = [];
    let last = '';
    for (const s of sizes) {
      const content = hostileDetectionInputs(s)[name]!;
      const t0 = performance.now();
      const outcome = detect(content);
      times.push(`${(performance.now() - t0).toFixed(0)} ms`.padStart(10));
      last = 'format' in outcome ? `read as ${outcome.format}` : `refused: ${outcome.refused.slice(0, 60)}`;
    }
    process.stdout.write(`${name.padEnd(48)} ${times.join(' ')}  ${last}\n`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
