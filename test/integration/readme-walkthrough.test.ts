/**
 * The README's walk-through (the bash block under "Walk-through with curl (local)") run exactly as
 * written, with bash, curl, jq, npm and the AWS CLI, against a fresh local stack whose ports it
 * gets as a user who set PORT, SFN_PORT and DYNAMODB_PORT would. It must finish, every request
 * must be answered as the README's comments say, and the books must balance.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack } from './support/api-driver';

const root = join(import.meta.dirname, '../..');

/** The first bash block after the walk-through's heading, as the README shows it. */
export function walkThroughOf(readme: string): string {
  const section = readme.slice(readme.indexOf('## Walk-through with curl (local)\n'));
  const block = /```bash\n([\s\S]*?)\n```/.exec(section);
  if (!block?.[1]) throw new Error('README.md has no bash block under "## Walk-through with curl (local)"');
  return `${block[1]}\n`;
}

let stack: Awaited<ReturnType<typeof startTestStack>>;

beforeAll(async () => {
  stack = await startTestStack();
}, 180_000);

afterAll(async () => {
  await stack?.stop();
});

function runBash(script: string, env: Record<string, string>, timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // -e: a command that fails stops the walk-through (as it would stop a reader); -o pipefail: also inside a pipe.
    const child = spawn('bash', ['-e', '-o', 'pipefail', '-s'], { cwd: root, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      process.stdout.write(`[readme] ${chunk.toString()}`);
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(script);
  });
}

describe("the README's walk-through", () => {
  it('runs as written against a fresh local stack: every step answered as its comment says, the books balanced', async () => {
    const script = walkThroughOf(readFileSync(join(root, 'README.md'), 'utf8'));
    const port = (url: string) => new URL(url).port;
    const { code, stdout, stderr } = await runBash(
      script,
      { PORT: port(stack.local.url), SFN_PORT: port(stack.local.endpoints.stepFunctions), DYNAMODB_PORT: port(stack.local.endpoints.dynamodb), AWS_PAGER: '' },
      420_000,
    );
    expect(code, `stderr: ${stderr.slice(-2000)}`).toBe(0);
    // Nothing was refused (an id read before it existed gave 404s) but the one 409 the README announces:
    // every problem document has a numeric status, compact or as jq prints it.
    const problems = [...stdout.matchAll(/"status":\s*([45]\d{2})\b/g)].map((m) => Number(m[1]));
    expect(problems).toEqual([409]);
    expect(stdout).toContain('"AWAITING_SHIPMENT"');
    expect(stdout).toContain('"COMPLETED"');
    expect(stdout).toMatch(/"status": "OVERDUE"/);
    expect(stdout).toMatch(/"balanced": true/);
    expect(stdout).toContain('balanced'); // npm run ledger-check's own line
    expect(stdout).toMatch(/"runId": "run-\d{4}-\d{2}-\d{2}"/);
    expect(stdout).toMatch(/"name": "[^"]+",\s*"status": "(RUNNING|SUCCEEDED)"/);
    expect(stdout).toMatch(/"Count": \d+/);
    expect((await stack.api.ledgerCheck()).balanced).toBe(true);
  }, 480_000);
});
