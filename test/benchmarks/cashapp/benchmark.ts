/**
 * Cash application benchmark: runs the `cashapp` command line on generated statements and reports
 * time, peak memory and accuracy, each beside a naive exact-reference matcher (`naive.ts`) timed
 * in the same run on the same files, with the ratio of the two wall times.
 *
 *   npm run bench:cashapp -- [--sizes 100000,1000000] [--lines 100000] [--seed 1] [--formats csv,camt053,camt054,mt940,bai2] [--data-dir DIR]
 *
 * For each number of open items it generates the data once (seeded, into the git-ignored
 * `.local-data/cashapp/`, or under `--data-dir`); for each statement format it runs the naive
 * matcher and then the CLI, each as a separate process (under `/usr/bin/time -v` when present,
 * for the peak resident memory of the whole process), passes their progress through to stderr,
 * scores both outputs against the answers and prints one table at the end, with the one-minute
 * load average of the machine at the start of each run (the figures mean little on a busy machine)
 * and, beside the wall times, each process's CPU time (user plus system, from `/usr/bin/time -v`)
 * and their ratio: on a shared machine the CPU times swing far less with the load than wall times.
 */
import { loadavg } from 'node:os';
import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultOutDir, generate } from './generate';
import { score, type Score } from './score';

interface Run {
  readonly format: string;
  readonly load: number;
  readonly naive: { wallSeconds: number; cpuSeconds: number | null; peakRssMb: number | null; score: Score };
  readonly openItems: number;
  readonly lines: number;
  readonly wallSeconds: number;
  readonly cliSeconds: number | null;
  /** User plus system CPU time of the process (from `/usr/bin/time -v`): steadier than wall time on a shared machine. */
  readonly cpuSeconds: number | null;
  readonly peakRssMb: number | null;
  readonly score: Score;
}

const log = (message: string): void => {
  process.stderr.write(`bench: ${message}\n`);
};

/** The statement file of each format the benchmark runs. */
const STATEMENTS: Record<string, string> = { csv: 'statement.csv', camt053: 'statement.camt053.xml', camt054: 'statement.camt054.xml', camt: 'statement.camt054.xml', mt940: 'statement.sta', bai2: 'statement.bai' };

async function runCli(dir: string, statement: string, output: string, tool: 'cashapp' | 'naive' = 'cashapp'): Promise<{ wallSeconds: number; cliSeconds: number | null; cpuSeconds: number | null; peakRssMb: number | null }> {
  const args =
    tool === 'cashapp'
      ? ['--import', 'tsx', 'bin/cashapp.ts', '--open-items', join(dir, 'open-items.csv'), '--customers', join(dir, 'customers.csv'), '--statement', join(dir, statement), '--out', output]
      : ['--import', 'tsx', 'test/benchmarks/cashapp/naive.ts', '--open-items', join(dir, 'open-items.csv'), '--statement', join(dir, statement), '--out', output];
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
    for (const line of lines) if (line.startsWith(`${tool}:`)) process.stderr.write(`  ${line}\n`);
  });
  const code: number = await new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (c) => resolve(c ?? 1));
  });
  const wallSeconds = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`${tool} exited with ${code}:\n${stderr.slice(-2000)}`);
  const summary = new RegExp(`${tool}: summary (\\{.*\\})`).exec(stderr);
  const cli = summary ? (JSON.parse(summary[1]!) as { seconds: number; maxRssMb: number }) : null;
  const timeRss = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
  const peakRssMb = timeRss ? Math.round(Number(timeRss[1]) / 1024) : (cli?.maxRssMb ?? null);
  const user = /User time \(seconds\): ([\d.]+)/.exec(stderr);
  const system = /System time \(seconds\): ([\d.]+)/.exec(stderr);
  const cpuSeconds = user && system ? Number(user[1]) + Number(system[1]) : null;
  return { wallSeconds, cliSeconds: cli?.seconds ?? null, cpuSeconds, peakRssMb };
}

const cpuRatio = (cli: number | null, naive: number | null): string =>
  cli !== null && naive ? `; CPU ${cli.toFixed(1)} s against ${naive.toFixed(1)} s, ratio ${(cli / naive).toFixed(2)}` : '';

const pct = (part: number, whole: number): string => `${((100 * part) / Math.max(1, whole)).toFixed(1)}%`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: '100000,1000000' },
      lines: { type: 'string', default: '100000' },
      seed: { type: 'string', default: '1' },
      formats: { type: 'string', default: 'csv,camt053' },
      'data-dir': { type: 'string' },
    },
  });
  const sizes = values.sizes.split(',').map((s) => Number(s.trim()));
  const lines = Number(values.lines);
  const seed = Number(values.seed);
  if (![...sizes, lines, seed].every((n) => Number.isSafeInteger(n) && n > 0)) throw new Error('--sizes, --lines and --seed must be positive integers');
  const formats = values.formats.split(',').map((f) => f.trim());
  for (const format of formats) if (!STATEMENTS[format]) throw new Error(`--formats: "${format}" is not one of ${Object.keys(STATEMENTS).join(', ')}`);
  const camt = formats.some((format) => format.startsWith('camt'));

  const runs: Run[] = [];
  for (const openItems of sizes) {
    const dir = values['data-dir'] ? join(values['data-dir'], basename(defaultOutDir(openItems, lines, seed))) : defaultOutDir(openItems, lines, seed);
    if (!existsSync(join(dir, 'answers.jsonl')) || !formats.every((format) => existsSync(join(dir, STATEMENTS[format]!)))) {
      log(`generating ${openItems} open items and ${lines} statement lines into ${dir}`);
      await generate({ openItems, lines, seed, outDir: dir, camt, mt940: formats.includes('mt940'), bai2: formats.includes('bai2'), log: (m) => log(`  ${m}`) });
    } else {
      log(`using ${dir}`);
    }
    for (const format of formats) {
      const statement = STATEMENTS[format]!;
      const load = loadavg()[0]!;
      log(`running the naive exact-reference matcher on ${openItems} open items, ${lines} lines (${format}; load average ${load.toFixed(1)})`);
      const naiveOutput = join(dir, `naive-${format}.jsonl`);
      const naive = await runCli(dir, statement, naiveOutput, 'naive');
      const naiveScore = await score(join(dir, 'answers.jsonl'), naiveOutput);
      log(`naive done in ${naive.wallSeconds.toFixed(1)} s, peak ${naive.peakRssMb ?? '?'} MB`);
      log(`running cashapp on ${openItems} open items, ${lines} lines (${format}; load average ${loadavg()[0]!.toFixed(1)})`);
      const output = join(dir, `results-${format}.jsonl`);
      const timing = await runCli(dir, statement, output);
      const result = await score(join(dir, 'answers.jsonl'), output);
      runs.push({ format, load, naive: { wallSeconds: naive.wallSeconds, cpuSeconds: naive.cpuSeconds, peakRssMb: naive.peakRssMb, score: naiveScore }, openItems, lines, ...timing, score: result });
      log(`done in ${timing.wallSeconds.toFixed(1)} s, peak ${timing.peakRssMb ?? '?'} MB; ratio to naive ${(timing.wallSeconds / naive.wallSeconds).toFixed(2)}${cpuRatio(timing.cpuSeconds, naive.cpuSeconds)}`);
    }
  }

  const rows = [
    '',
    `cash application benchmark (seed ${seed}, node ${process.version}; naive = exact-reference Map matcher on the same files, same run)`,
    `${'format'.padEnd(9)}${'open items'.padStart(11)}${'lines'.padStart(8)}${'load'.padStart(6)}${'naive s'.padStart(9)}${'wall s'.padStart(8)}${'ratio'.padStart(7)}${'cli s'.padStart(7)}${'peak MB'.padStart(9)}${'naive MB'.padStart(10)}${'naive cpu'.padStart(10)}${'cpu'.padStart(7)}${'cpu ratio'.padStart(10)}${'correct'.padStart(9)}${'wrong'.padStart(7)}${'sugg.'.padStart(7)}${'unapp.'.padStart(8)}${'naive ok'.padStart(10)}`,
  ];
  for (const r of runs) {
    const s = r.score;
    rows.push(
      `${r.format.padEnd(9)}${String(r.openItems).padStart(11)}${String(s.lines).padStart(8)}${r.load.toFixed(1).padStart(6)}${r.naive.wallSeconds.toFixed(1).padStart(9)}${r.wallSeconds.toFixed(1).padStart(8)}${(r.wallSeconds / r.naive.wallSeconds).toFixed(2).padStart(7)}${(r.cliSeconds?.toFixed(1) ?? '?').padStart(7)}${String(r.peakRssMb ?? '?').padStart(9)}${String(r.naive.peakRssMb ?? '?').padStart(10)}${(r.naive.cpuSeconds?.toFixed(1) ?? '?').padStart(10)}${(r.cpuSeconds?.toFixed(1) ?? '?').padStart(7)}${(r.cpuSeconds !== null && r.naive.cpuSeconds ? (r.cpuSeconds / r.naive.cpuSeconds).toFixed(2) : '?').padStart(10)}${pct(s.appliedCorrectly, s.lines).padStart(9)}${pct(s.appliedWrongly, s.lines).padStart(7)}${pct(s.suggested, s.lines).padStart(7)}${pct(s.unapplied, s.lines).padStart(8)}${pct(r.naive.score.appliedCorrectly, r.naive.score.lines).padStart(10)}`,
    );
  }
  for (const r of runs) {
    rows.push(`${r.format} ${r.openItems} open items: ${r.score.rightAnswerApplied} of ${r.score.withRightAnswer} lines with a right answer applied correctly (${pct(r.score.rightAnswerApplied, r.score.withRightAnswer)}), ${r.score.appliedWrongly} applied wrongly`);
  }
  const sameFormat = runs.filter((r) => r.format === runs[0]!.format);
  if (sameFormat.length >= 2) {
    const first = sameFormat[0]!;
    const last = sameFormat[sameFormat.length - 1]!;
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
