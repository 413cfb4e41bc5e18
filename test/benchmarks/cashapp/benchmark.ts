/**
 * Cash application benchmark: runs the `cashapp` command line on generated statements and reports
 * time, peak memory and accuracy.
 *
 *   npm run bench:cashapp -- [--sizes 100000,1000000] [--lines 100000] [--seed 1] [--format csv|camt] [--data-dir DIR]
 *
 * For each number of open items it generates the data once (seeded, into the git-ignored
 * `.local-data/cashapp/`, or under `--data-dir`), runs the CLI as a separate process (under `/usr/bin/time -v` when present,
 * for the peak resident memory of the whole process), passes its progress through to stderr, scores
 * its output against the answers and prints one table at the end.
 */
import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultOutDir, generate } from './generate';
import { score, type Score } from './score';

interface Run {
  readonly openItems: number;
  readonly lines: number;
  readonly wallSeconds: number;
  readonly cliSeconds: number | null;
  readonly peakRssMb: number | null;
  readonly score: Score;
}

const log = (message: string): void => {
  process.stderr.write(`bench: ${message}\n`);
};

async function runCli(dir: string, statement: string, output: string): Promise<{ wallSeconds: number; cliSeconds: number | null; peakRssMb: number | null }> {
  const args = ['--import', 'tsx', 'bin/cashapp.ts', '--open-items', join(dir, 'open-items.csv'), '--customers', join(dir, 'customers.csv'), '--statement', join(dir, statement), '--out', output];
  const useTime = existsSync('/usr/bin/time');
  const [command, commandArgs] = useTime ? ['/usr/bin/time', ['-v', process.execPath, ...args]] : [process.execPath, args];
  const started = performance.now();
  const child = spawn(command, commandArgs, { stdio: ['ignore', 'inherit', 'pipe'] });
  let stderr = '';
  let partial = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr += chunk;
    partial += chunk;
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) if (line.startsWith('cashapp:')) process.stderr.write(`  ${line}\n`);
  });
  const code: number = await new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (c) => resolve(c ?? 1));
  });
  const wallSeconds = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`cashapp exited with ${code}:\n${stderr.slice(-2000)}`);
  const summary = /cashapp: summary (\{.*\})/.exec(stderr);
  const cli = summary ? (JSON.parse(summary[1]!) as { seconds: number; maxRssMb: number }) : null;
  const timeRss = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
  const peakRssMb = timeRss ? Math.round(Number(timeRss[1]) / 1024) : (cli?.maxRssMb ?? null);
  return { wallSeconds, cliSeconds: cli?.seconds ?? null, peakRssMb };
}

const pct = (part: number, whole: number): string => `${((100 * part) / Math.max(1, whole)).toFixed(1)}%`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: '100000,1000000' },
      lines: { type: 'string', default: '100000' },
      seed: { type: 'string', default: '1' },
      format: { type: 'string', default: 'csv' },
      'data-dir': { type: 'string' },
    },
  });
  const sizes = values.sizes.split(',').map((s) => Number(s.trim()));
  const lines = Number(values.lines);
  const seed = Number(values.seed);
  if (![...sizes, lines, seed].every((n) => Number.isSafeInteger(n) && n > 0)) throw new Error('--sizes, --lines and --seed must be positive integers');
  if (values.format !== 'csv' && values.format !== 'camt') throw new Error('--format must be csv or camt');
  const statement = values.format === 'csv' ? 'statement.csv' : 'statement.camt054.xml';

  const runs: Run[] = [];
  for (const openItems of sizes) {
    const dir = values['data-dir'] ? join(values['data-dir'], basename(defaultOutDir(openItems, lines, seed))) : defaultOutDir(openItems, lines, seed);
    if (!existsSync(join(dir, 'answers.jsonl')) || !existsSync(join(dir, statement))) {
      log(`generating ${openItems} open items and ${lines} statement lines into ${dir}`);
      await generate({ openItems, lines, seed, outDir: dir, camt: values.format === 'camt', log: (m) => log(`  ${m}`) });
    } else {
      log(`using ${dir}`);
    }
    log(`running cashapp on ${openItems} open items, ${lines} lines (${values.format})`);
    const output = join(dir, `results-${values.format}.jsonl`);
    const timing = await runCli(dir, statement, output);
    const result = await score(join(dir, 'answers.jsonl'), output);
    runs.push({ openItems, lines, ...timing, score: result });
    log(`done in ${timing.wallSeconds.toFixed(1)} s, peak ${timing.peakRssMb ?? '?'} MB`);
  }

  const rows = [
    '',
    `cash application benchmark (${values.format} statement, seed ${seed}, node ${process.version})`,
    `${'open items'.padStart(11)}${'lines'.padStart(8)}${'wall s'.padStart(8)}${'cli s'.padStart(7)}${'peak MB'.padStart(9)}${'correct'.padStart(9)}${'wrong'.padStart(7)}${'sugg.'.padStart(7)}${'unapp.'.padStart(8)}`,
  ];
  for (const r of runs) {
    const s = r.score;
    rows.push(
      `${String(r.openItems).padStart(11)}${String(s.lines).padStart(8)}${r.wallSeconds.toFixed(1).padStart(8)}${(r.cliSeconds?.toFixed(1) ?? '?').padStart(7)}${String(r.peakRssMb ?? '?').padStart(9)}${pct(s.appliedCorrectly, s.lines).padStart(9)}${pct(s.appliedWrongly, s.lines).padStart(7)}${pct(s.suggested, s.lines).padStart(7)}${pct(s.unapplied, s.lines).padStart(8)}`,
    );
  }
  for (const r of runs) {
    rows.push(`${r.openItems} open items: ${r.score.rightAnswerApplied} of ${r.score.withRightAnswer} lines with a right answer applied correctly (${pct(r.score.rightAnswerApplied, r.score.withRightAnswer)}), ${r.score.appliedWrongly} applied wrongly`);
  }
  if (runs.length >= 2) {
    const first = runs[0]!;
    const last = runs[runs.length - 1]!;
    const growth = (a: number | null, b: number | null): string => (a && b ? `x${(b / a).toFixed(2)}` : '?');
    rows.push(
      `growth from ${first.openItems} to ${last.openItems} open items (x${(last.openItems / first.openItems).toFixed(0)}): time ${growth(first.wallSeconds, last.wallSeconds)}, peak memory ${growth(first.peakRssMb, last.peakRssMb)}`,
    );
  }
  process.stdout.write(`${rows.join('\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
