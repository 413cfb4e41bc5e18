/**
 * In-memory stand-ins for the Uploads bucket, the processing starter (Step Functions) and the
 * progress of imports, for unit tests of the asynchronous statement and import flows.
 */
import { FileTooLargeError, type HandedInFiles, type ProcessingStarter } from '../../lambdas/core/ports';
import type { ImportProgress, ImportProgressStore } from '../../lambdas/core/invoices/import-processing';

export class InMemoryFiles implements HandedInFiles {
  readonly objects = new Map<string, string>();
  readonly urls: { key: string; contentLength: number; expiresInSeconds: number }[] = [];

  async put(key: string, content: string): Promise<void> {
    this.objects.set(key, content);
  }

  async read(key: string, maxBytes: number): Promise<string | undefined> {
    const content = this.objects.get(key);
    if (content !== undefined && Buffer.byteLength(content) > maxBytes) throw new FileTooLargeError(key, Buffer.byteLength(content), maxBytes);
    return content;
  }

  async uploadUrl(key: string, contentLength: number, expiresInSeconds: number): Promise<string> {
    this.urls.push({ key, contentLength, expiresInSeconds });
    return `https://uploads.example/${key}?length=${contentLength}&expires=${expiresInSeconds}`;
  }
}

/** Records the executions started; one started before with the same input runs still, one marked `ended` has ended. */
export class InMemoryStarter implements ProcessingStarter {
  readonly started: { name: string; input: Record<string, unknown> }[] = [];
  readonly ended = new Set<string>();

  async start(name: string, input: Record<string, unknown>): Promise<'started' | 'exists'> {
    const before = this.started.find((s) => s.name === name);
    if (before && (this.ended.has(name) || JSON.stringify(before.input) !== JSON.stringify(input))) return 'exists';
    if (!before) this.started.push({ name, input });
    return 'started';
  }
}

export class InMemoryImportProgress implements ImportProgressStore {
  readonly items = new Map<string, ImportProgress>();

  async begin(progress: ImportProgress, options: { readonly unlessProcessing?: boolean } = {}) {
    const existing = this.items.get(progress.importId);
    if (!existing) {
      this.items.set(progress.importId, structuredClone(progress));
      return { progress: structuredClone(progress), alreadyProcessing: false };
    }
    if (options.unlessProcessing && existing.status === 'processing') return { progress: structuredClone(existing), alreadyProcessing: true };
    const next: ImportProgress = { ...existing, status: 'processing', processed: 0, at: progress.at, objectKey: progress.objectKey, result: null, problems: [], error: null, attempts: existing.attempts + 1 };
    this.items.set(progress.importId, next);
    return { progress: structuredClone(next), alreadyProcessing: false };
  }

  async get(importId: string) {
    const item = this.items.get(importId);
    return item ? structuredClone(item) : undefined;
  }

  async update(importId: string, change: Partial<ImportProgress>) {
    const item = this.items.get(importId);
    if (!item) throw new Error(`no import ${importId}`);
    this.items.set(importId, { ...item, ...structuredClone(change) });
  }
}
