/**
 * Scores cash application output against the generator's answers:
 *
 *   tsx test/benchmarks/cashapp/score.ts --answers DIR/answers.jsonl --output results.jsonl [--json]
 *
 * The output has one record per credit line in statement order (debit lines produce none), so
 * answers of credit lines and output records are paired in order; the amounts and currencies must
 * agree or the score stops. A line counts as applied correctly when it is applied with exactly the
 * allocations the payer meant, and as applied wrongly when it is applied otherwise or at all where
 * nothing may be applied (ambiguous amounts, currency mismatches, duplicate payments, nothing owed).
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import type { Answer } from './generate';

export interface OutputRecord {
  readonly line_id: string;
  readonly amount: string;
  readonly currency: string;
  readonly status: 'applied' | 'suggested' | 'unapplied';
  readonly allocations: readonly { readonly invoice_number: string; readonly amount: string }[];
}

export interface Score {
  readonly lines: number;
  readonly appliedCorrectly: number;
  readonly appliedWrongly: number;
  readonly suggested: number;
  readonly unapplied: number;
  /** Lines where the matcher did what the answers expect (applied correctly, suggested or unapplied as expected). */
  readonly asExpected: number;
  /** Lines with a right answer (the answers expect them applied), and of those the ones applied correctly. */
  readonly withRightAnswer: number;
  readonly rightAnswerApplied: number;
  readonly byKind: Record<string, { lines: number; correct: number; wrong: number; suggested: number; unapplied: number }>;
  readonly wrongExamples: readonly { readonly answer: Answer; readonly output: OutputRecord }[];
}

async function* jsonLines<T>(path: string): AsyncGenerator<T> {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  for await (const line of lines) if (line.trim() !== '') yield JSON.parse(line) as T;
}

function sameAllocations(a: OutputRecord['allocations'], b: NonNullable<Answer['allocations']>): boolean {
  if (a.length !== b.length) return false;
  const key = (x: { invoice_number: string; amount: string }): string => `${x.invoice_number}=${x.amount}`;
  const left = a.map(key).sort();
  const right = b.map(key).sort();
  return left.every((k, i) => k === right[i]);
}

/** Pairs answers and output in order and counts the outcomes. */
export async function score(answersPath: string, outputPath: string): Promise<Score> {
  const answers: Answer[] = [];
  for await (const answer of jsonLines<Answer>(answersPath)) if (answer.direction === 'credit') answers.push(answer);
  const result = { lines: 0, appliedCorrectly: 0, appliedWrongly: 0, suggested: 0, unapplied: 0, asExpected: 0, withRightAnswer: 0, rightAnswerApplied: 0 };
  const byKind: Score['byKind'] = {};
  const wrongExamples: { answer: Answer; output: OutputRecord }[] = [];
  let index = 0;
  for await (const output of jsonLines<OutputRecord>(outputPath)) {
    const answer = answers[index++];
    if (!answer) throw new Error(`more output records than credit lines in the answers (${answers.length})`);
    if (answer.amount !== output.amount || answer.currency !== output.currency) {
      throw new Error(`output record ${index} (${output.line_id}: ${output.amount} ${output.currency}) does not pair with statement line ${answer.n} (${answer.amount} ${answer.currency})`);
    }
    const kind = (byKind[answer.kind] ??= { lines: 0, correct: 0, wrong: 0, suggested: 0, unapplied: 0 });
    result.lines++;
    kind.lines++;
    if (answer.expect === 'applied') result.withRightAnswer++;
    if (output.status === 'applied') {
      const correct = !answer.mustNotApply && answer.allocations !== null && sameAllocations(output.allocations, answer.allocations);
      if (correct) {
        result.appliedCorrectly++;
        kind.correct++;
        if (answer.expect === 'applied') {
          result.asExpected++;
          result.rightAnswerApplied++;
        }
      } else {
        result.appliedWrongly++;
        kind.wrong++;
        if (wrongExamples.length < 20) wrongExamples.push({ answer, output });
      }
    } else if (output.status === 'suggested') {
      result.suggested++;
      kind.suggested++;
      if (answer.expect === 'suggested') result.asExpected++;
    } else {
      result.unapplied++;
      kind.unapplied++;
      if (answer.expect === 'unapplied') result.asExpected++;
    }
  }
  if (index !== answers.length) throw new Error(`${answers.length} credit lines in the answers but ${index} output records`);
  return { ...result, byKind, wrongExamples };
}

const pct = (part: number, whole: number): string => `${whole === 0 ? '0.0' : ((100 * part) / whole).toFixed(1)} %`;

/** A readable report of a score: overall shares, then one row per line kind. */
export function formatScore(s: Score): string {
  const rows = [
    `lines scored:        ${s.lines}`,
    `applied correctly:   ${s.appliedCorrectly} (${pct(s.appliedCorrectly, s.lines)})`,
    `applied wrongly:     ${s.appliedWrongly} (${pct(s.appliedWrongly, s.lines)})`,
    `suggested:           ${s.suggested} (${pct(s.suggested, s.lines)})`,
    `unapplied:           ${s.unapplied} (${pct(s.unapplied, s.lines)})`,
    `as expected:         ${s.asExpected} (${pct(s.asExpected, s.lines)})`,
    `right answer applied: ${s.rightAnswerApplied} of ${s.withRightAnswer} lines that have one (${pct(s.rightAnswerApplied, s.withRightAnswer)})`,
    '',
    `${'kind'.padEnd(24)}${'lines'.padStart(7)}${'correct'.padStart(9)}${'wrong'.padStart(7)}${'sugg.'.padStart(7)}${'unapp.'.padStart(8)}`,
  ];
  for (const [kind, k] of Object.entries(s.byKind).sort(([a], [b]) => a.localeCompare(b))) {
    rows.push(`${kind.padEnd(24)}${String(k.lines).padStart(7)}${String(k.correct).padStart(9)}${String(k.wrong).padStart(7)}${String(k.suggested).padStart(7)}${String(k.unapplied).padStart(8)}`);
  }
  for (const example of s.wrongExamples.slice(0, 5)) {
    rows.push(`wrong: line ${example.answer.n} (${example.answer.kind}) meant ${JSON.stringify(example.answer.allocations)}, got ${JSON.stringify(example.output.allocations)}`);
  }
  return rows.join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { answers: { type: 'string' }, output: { type: 'string' }, json: { type: 'boolean', default: false } } });
  if (!values.answers || !values.output) throw new Error('usage: tsx test/benchmarks/cashapp/score.ts --answers answers.jsonl --output results.jsonl [--json]');
  const s = await score(values.answers, values.output);
  process.stdout.write(values.json ? `${JSON.stringify(s)}\n` : `${formatScore(s)}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    process.stderr.write(`score: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
