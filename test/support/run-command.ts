/**
 * Runs a command line of the project in a child process without blocking the test worker: a
 * synchronous spawn holds the worker's event loop for as long as the command runs, and vitest's
 * worker then misses its own 60 s RPC deadline ("Timeout calling onTaskUpdate") and fails the run.
 */
import { spawn } from 'node:child_process';

export interface CommandResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `node --import tsx <script> ...args` from the repository root, collecting its output. */
export function runTsx(script: string, args: readonly string[], options: { readonly timeoutMs?: number; readonly cwd?: string } = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: options.cwd ?? process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs) : undefined;
    child.on('error', reject);
    child.on('close', (status) => {
      if (timer) clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}
