/**
 * The workflow as an API call that records a fact (a shipment, a payment, a statement line) sees
 * it: once the fact is stored, resuming the waiting step is a notification that must not fail the
 * call. Failing it would answer 5xx for a fact already recorded, and the storefront's retry (the
 * Idempotency-Key is released on 5xx) would record it twice. So a resume that still fails after the
 * adapter's retries is logged and reported as not resumed; the waiting step finds the fact when it
 * next looks (its wait lapses after a month at the latest, the due date for a payment).
 */
import type { Workflow } from '../core/ports';
import { logger } from './observability';

export class RecordedFactWorkflow implements Workflow {
  constructor(private readonly inner: Workflow) {}

  startOrderLifecycle(executionName: string, input: Record<string, unknown>) {
    return this.inner.startOrderLifecycle(executionName, input);
  }

  async resume(taskToken: string, output: Record<string, unknown>): Promise<boolean> {
    try {
      return await this.inner.resume(taskToken, output);
    } catch (error) {
      logger.warn('Recorded, but the waiting step could not be resumed now; it finds the fact when it next looks', { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
      return false;
    }
  }

  async fail(taskToken: string, error: string, cause: string): Promise<boolean> {
    try {
      return await this.inner.fail(taskToken, error, cause);
    } catch (failure) {
      logger.warn('Recorded, but the waiting step could not be told now; it finds the fact when it next looks', { error: failure instanceof Error ? `${failure.name}: ${failure.message}` : String(failure) });
      return false;
    }
  }
}
