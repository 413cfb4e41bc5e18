/**
 * Persistence of executions under `<dataDir>/executions/<stateMachine>/`:
 *
 * - `<name>.json`: the {@link ExecutionRecord} (status, input, output, task journal), replaced
 *   atomically (temp file + rename) on every change, so a crash leaves the previous or the new
 *   version, never a torn one;
 * - `<name>.history.jsonl`: the history events, one JSON line each, append-only; a torn last line
 *   (crash while appending) is ignored when loading.
 *
 * Writes are synchronous: the service is single-process and this keeps the order of writes the
 * order of events.
 */
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExecutionRecord, StoredHistoryEvent } from './types';

/** An execution as loaded from disk. */
export interface StoredExecution {
  readonly record: ExecutionRecord;
  readonly history: StoredHistoryEvent[];
}

/** Reads and writes the execution files under one dataDir (one service instance at a time). */
export class ExecutionStore {
  private readonly root: string;
  private tempCounter = 0;

  constructor(dataDir: string) {
    this.root = join(dataDir, 'executions');
  }

  /** Creates the folders if missing. */
  init(): void {
    mkdirSync(this.root, { recursive: true });
  }

  /** Every persisted execution with its history, in no particular order. */
  loadAll(): StoredExecution[] {
    if (!existsSync(this.root)) return [];
    const executions: StoredExecution[] = [];
    for (const machineDir of readdirSync(this.root, { withFileTypes: true })) {
      if (!machineDir.isDirectory()) continue;
      const dir = join(this.root, machineDir.name);
      for (const file of readdirSync(dir)) {
        if (!file.endsWith('.json')) continue;
        const record = JSON.parse(readFileSync(join(dir, file), 'utf8')) as ExecutionRecord;
        if (record.version !== 1) throw new Error(`Unknown execution record version in ${join(dir, file)}`);
        executions.push({ record, history: this.readHistory(join(dir, file.replace(/\.json$/, '.history.jsonl'))) });
      }
    }
    return executions;
  }

  /** Writes the record atomically. */
  saveRecord(record: ExecutionRecord): void {
    const file = this.recordFile(record);
    mkdirSync(join(file, '..'), { recursive: true });
    const temp = `${file}.${process.pid}.${++this.tempCounter}.tmp`;
    writeFileSync(temp, JSON.stringify(record));
    renameSync(temp, file);
  }

  /** Appends history events of the execution. */
  appendHistory(record: ExecutionRecord, events: readonly StoredHistoryEvent[]): void {
    if (events.length === 0) return;
    const file = this.recordFile(record).replace(/\.json$/, '.history.jsonl');
    mkdirSync(join(file, '..'), { recursive: true });
    appendFileSync(file, events.map((e) => `${JSON.stringify(e)}\n`).join(''));
  }

  private recordFile(record: ExecutionRecord): string {
    // `x-` keeps names like `..` from being special; encoding keeps any AWS-valid name a valid file name.
    return join(this.root, encodeURIComponent(record.stateMachineName), `x-${encodeURIComponent(record.name)}.json`);
  }

  private readHistory(file: string): StoredHistoryEvent[] {
    if (!existsSync(file)) return [];
    const events: StoredHistoryEvent[] = [];
    const lines = readFileSync(file, 'utf8').split('\n');
    for (const [index, line] of lines.entries()) {
      if (line.trim() === '') continue;
      try {
        events.push(JSON.parse(line) as StoredHistoryEvent);
      } catch (error) {
        // Only the last line can be torn (crash while appending); anything else is corruption.
        if (index < lines.length - 2) throw new Error(`Corrupt history line ${index + 1} in ${file}: ${String(error)}`);
      }
    }
    return events;
  }
}
