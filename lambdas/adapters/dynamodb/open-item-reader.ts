/**
 * The open items a batch of statement lines can concern, read from DynamoDB without a scan:
 *
 * - by RF creditor reference: one query of the `byRfReference` index per reference quoted;
 * - by invoice number: one query of the `byNumber` index per number read from the lines;
 * - by customer: one query (paged) of the `byCustomer` index per customer a payer account or name is
 *   known for, keeping the items with a balance;
 * - the payers: one batch read of `Payers` for the accounts and names on the lines.
 *
 * Given `KeyedLookups` (the statement processing), quoted numbers and RF references are first read
 * by key, 100 a round trip: a number by the id an import gives it (`importedInvoiceId`), a
 * reference by its import's reservation (`rf-reference#...`) and then the invoice. Found so, and
 * not of a kind the product issues itself, that is the whole answer; the rest goes to the index,
 * except numbers (and references made of them) of the product's own series above the series' last
 * issued sequence (its counter), which no issued invoice carries. See
 * `core/cash-application/keyed-lookups.ts`.
 *
 * Index reads are eventually consistent, so the invoices found are then read by key, consistently,
 * in batches of 100: what the matcher sees is what a conditional write will check. The cost grows
 * with the lines and the customers they concern, never with the whole invoice table.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mapLimit } from '../../core/kernel/concurrency';
import { batchGet, queryAll } from './batch';
import { INVOICE_INDEX, invoiceFromItem, invoicesByIndex } from './invoice-item';
import type { Invoice } from '../../core/invoices/invoice';
import type { KnownPayers, OpenItemReader } from '../../core/ports';
import { importedInvoiceId } from '../../core/invoices/import';
import { numberKeyedByImport, ownSeriesNumber, ownSeriesOfRfReference, rfReferenceKeyedByImport, type OwnSeriesNumber } from '../../core/cash-application/keyed-lookups';
import { rfReservation } from './invoice-import-store';

/** Queries run at most this many at a time. */
const CONCURRENCY = 16;

export interface OpenItemTables {
  readonly invoices: string;
  readonly payers: string;
}

/** What reading quoted references by key needs: the Imports table (the reservations) and the product's invoice number prefix. */
export interface KeyedLookups {
  readonly imports: string;
  /** The number series' counters: an own-series number above its series' last sequence was never issued. */
  readonly counters: string;
  readonly invoiceNumberPrefix: string;
}

export class DynamoOpenItemReader implements OpenItemReader {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tables: OpenItemTables,
    private readonly keyed?: KeyedLookups,
  ) {}

  async invoicesByRfReference(references: readonly string[]): Promise<Invoice[]> {
    const unique = [...new Set(references)];
    const keyed = this.keyed;
    let found: Invoice[] = [];
    let known = new Set<string>();
    if (keyed) {
      // Every reference's reservation (an earlier year's own series may have been imported); the
      // invoice must still carry the reference (a reservation is written before its invoice, and
      // an import rolled back may leave one).
      const reservations = await batchGet(this.db, keyed.imports, unique.map((reference) => ({ importId: rfReservation(reference) })), { attributes: ['importId', 'invoiceId'] });
      const byReference = new Map(reservations.filter((r) => typeof r.invoiceId === 'string').map((r) => [String(r.importId), String(r.invoiceId)]));
      found = (await this.invoicesById([...byReference.values()])).filter((invoice) => byReference.get(rfReservation(invoice.rfReference)) === invoice.invoiceId);
      known = new Set(found.map((invoice) => invoice.rfReference).filter((reference) => rfReferenceKeyedByImport(reference, keyed.invoiceNumberPrefix)));
    }
    const rest = await this.issuable(unique.filter((r) => !known.has(r)), (r) => (keyed ? ownSeriesOfRfReference(r, keyed.invoiceNumberPrefix) : null));
    const fromIndex = await this.invoicesById(await this.idsByIndex(INVOICE_INDEX.byRfReference, 'rfReference', rest));
    const seen = new Set(found.map((invoice) => invoice.invoiceId));
    return [...found, ...fromIndex.filter((invoice) => !seen.has(invoice.invoiceId))];
  }

  async invoicesByNumber(numbers: readonly string[]): Promise<Invoice[]> {
    const unique = [...new Set(numbers)];
    const keyed = this.keyed;
    let found: Invoice[] = [];
    let known = new Set<string>();
    if (keyed) {
      // Own-series numbers too: an earlier year's own series may have been imported.
      const byKey = unique.filter((number) => !/-C$/i.test(number.trim()));
      found = (await this.invoicesById(byKey.map(importedInvoiceId))).filter((invoice) => invoice.invoiceId === importedInvoiceId(invoice.number));
      known = new Set(found.map((invoice) => invoice.number).filter((number) => numberKeyedByImport(number, keyed.invoiceNumberPrefix)));
    }
    const rest = await this.issuable(unique.filter((n) => !known.has(n)), (n) => (keyed ? ownSeriesNumber(n, keyed.invoiceNumberPrefix) : null));
    const fromIndex = await this.invoicesById(await this.idsByIndex(INVOICE_INDEX.byNumber, 'number', rest));
    const seen = new Set(found.map((invoice) => invoice.invoiceId));
    return [...found, ...fromIndex.filter((invoice) => !seen.has(invoice.invoiceId))];
  }

  async openInvoicesOfCustomers(customerIds: readonly string[]): Promise<Invoice[]> {
    const ids = await mapLimit([...new Set(customerIds)], CONCURRENCY, async (customerId) => {
      const items = await queryAll(this.db, {
        TableName: this.tables.invoices,
        IndexName: INVOICE_INDEX.byCustomer,
        KeyConditionExpression: 'customerId = :c',
        FilterExpression: 'balanceMinor > :zero',
        ProjectionExpression: 'invoiceId',
        ExpressionAttributeValues: { ':c': customerId, ':zero': 0 },
      });
      return items.map((item) => String(item.invoiceId));
    });
    return this.invoicesById(ids.flat());
  }

  async invoicesById(invoiceIds: readonly string[]): Promise<Invoice[]> {
    const unique = [...new Set(invoiceIds)];
    if (unique.length === 0) return [];
    const items = await batchGet(this.db, this.tables.invoices, unique.map((invoiceId) => ({ invoiceId })));
    return items.map(invoiceFromItem);
  }

  async knownPayers(accounts: readonly string[], names: readonly string[]): Promise<KnownPayers> {
    const keys = [...new Set([...accounts.map((a) => `account#${a}`), ...names.map((n) => `name#${n}`)])];
    const result = { accounts: new Map<string, string[]>(), names: new Map<string, string[]>() };
    if (keys.length === 0) return result;
    const items = await batchGet(this.db, this.tables.payers, keys.map((payerKey) => ({ payerKey })));
    for (const item of items) {
      const key = String(item.payerKey);
      const customerIds = [...((item.customerIds as Set<string> | undefined) ?? [])].sort();
      if (key.startsWith('account#')) result.accounts.set(key.slice('account#'.length), customerIds);
      else if (key.startsWith('name#')) result.names.set(key.slice('name#'.length), customerIds);
    }
    return result;
  }

  /**
   * The values still to look up in the index: all but those of the product's own series above the
   * series' last issued sequence (read consistently from the counters, one batch), which no issued
   * invoice carries.
   */
  private async issuable(values: readonly string[], ownSeries: (value: string) => OwnSeriesNumber | null): Promise<string[]> {
    const own = new Map(values.map((value) => [value, ownSeries(value)] as const).filter((e): e is readonly [string, OwnSeriesNumber] => e[1] !== null));
    if (own.size === 0 || !this.keyed) return [...values];
    const counters = await batchGet(this.db, this.keyed.counters, [...new Set([...own.values()].map((o) => o.series))].map((counterId) => ({ counterId })), { attributes: ['counterId', 'last'] });
    const last = new Map(counters.map((c) => [String(c.counterId), typeof c.last === 'number' ? c.last : 0]));
    return values.filter((value) => {
      const number = own.get(value);
      return number === undefined || number.sequence <= (last.get(number.series) ?? 0);
    });
  }

  private async idsByIndex(name: string, attribute: string, values: readonly string[]): Promise<string[]> {
    const found = await mapLimit([...new Set(values)], CONCURRENCY, (value) => invoicesByIndex(this.db, this.tables.invoices, { name, attribute, value }));
    return found.flat().map((i) => String(i.invoiceId));
  }

}
