/** What the SEPA use cases need from storage (DynamoDB in `adapters/dynamodb/direct-debit-store.ts`). */
import type { Mandate } from './mandate';
import type { CollectionFile } from './collection';
import type { Page } from '../ports';
import type { Refund } from './refunds';
import type { DomainEvent } from '../events/catalogue';

/** A mandate id the creditor used before (mandate references are unique per creditor). */
export class MandateExistsError extends Error {
  constructor(readonly mandateId: string) {
    super(`Mandate ${mandateId} exists already`);
    this.name = 'MandateExistsError';
  }
}

export interface DirectDebitStore {
  mandate(mandateId: string): Promise<Mandate | undefined>;
  mandatesOf(customerId: string): Promise<Mandate[]>;
  /** Every mandate stored as ACTIVE (the sparse index); expiry is judged by the caller on the day. */
  activeMandates(): Promise<Mandate[]>;
  /** Stores a new mandate, only if its id is new ({@link MandateExistsError} otherwise), with the events it reports (the outbox, one transaction). */
  createMandate(mandate: Mandate, events?: readonly DomainEvent[]): Promise<void>;
  /** Writes a changed mandate, only if it is still as read (else `ConcurrentUpdateError`), with the events it reports. */
  saveMandate(before: Mandate, after: Mandate, events?: readonly DomainEvent[]): Promise<void>;
  refund(refundId: string): Promise<Refund | undefined>;
  collectionFile(fileId: string): Promise<CollectionFile | undefined>;
  /** Collection files, newest first. */
  listCollectionFiles(limit: number, cursor?: string): Promise<Page<CollectionFile>>;
}
