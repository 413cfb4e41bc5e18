/**
 * An order's execution as finance reads it: the states it went through with the time each was
 * entered and left, the state it is in now, and the definition it runs (to draw the picture).
 * Pure: the events come from Step Functions' history.
 */
import type { ExecutionEvent, ExecutionRecord } from '../finance-ports';

export interface StateVisit {
  readonly name: string;
  readonly enteredAt: string;
  /** Null while the execution is still in the state. */
  readonly exitedAt: string | null;
  /** The error the state failed with, if it did. */
  readonly error?: string;
}

/**
 * The states in the order they were entered. A state entered twice (a loop: the next shipment)
 * appears twice. Task failures are attached to the visit they happened in.
 */
export function stateVisits(events: readonly ExecutionEvent[]): StateVisit[] {
  const visits: { name: string; enteredAt: string; exitedAt: string | null; error?: string }[] = [];
  const open = new Map<string, number>();
  for (const event of [...events].sort((a, b) => a.id - b.id)) {
    if (event.type.endsWith('StateEntered') && event.stateName) {
      open.set(event.stateName, visits.length);
      visits.push({ name: event.stateName, enteredAt: event.timestamp, exitedAt: null });
    } else if (event.type.endsWith('StateExited') && event.stateName) {
      const index = open.get(event.stateName);
      if (index !== undefined) {
        visits[index]!.exitedAt = event.timestamp;
        open.delete(event.stateName);
      }
    } else if (event.error) {
      const last = visits.findLast((v) => v.exitedAt === null) ?? visits.at(-1);
      if (last) last.error = event.error;
    }
  }
  return visits;
}

/** The execution for the API: status, times, the definition, the visits and the current state. */
export function executionView(orderId: string, record: ExecutionRecord) {
  const visits = stateVisits(record.events);
  const current = record.status === 'RUNNING' ? (visits.findLast((v) => v.exitedAt === null)?.name ?? null) : null;
  return {
    orderId,
    executionArn: record.executionArn,
    name: record.name,
    status: record.status,
    startDate: record.startDate,
    stopDate: record.stopDate,
    /** The state the execution waits in now (null once it ended). */
    currentState: current,
    /** The last state entered: where it ended, or where it is. */
    lastState: visits.at(-1)?.name ?? null,
    visits,
    definition: record.definition,
    events: record.events,
  };
}
