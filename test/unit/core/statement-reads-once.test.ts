/**
 * What the asynchronous statement processing reads fewer times: quoted numbers and RF references
 * only an imported open item can carry (read by key, `keyed-lookups.ts`), the customers' open items
 * queried once per step and then kept as the step writes them (read again only after a refused
 * write), and the waiting advices read
 * once per step, an advice used by one chunk not offered to the next.
 */
import { describe, expect, it } from 'vitest';
import { numberKeyedByImport, ownSeriesNumber, ownSeriesOfRfReference, rfReferenceKeyedByImport } from '../../../lambdas/core/cash-application/keyed-lookups';
import { stepOpenItems, waitingOnce } from '../../../lambdas/core/cash-application/statement-processing';
import { ConcurrentUpdateError, type OpenItemReader, type PostingWriter } from '../../../lambdas/core/ports';
import type { Invoice } from '../../../lambdas/core/invoices/invoice';
import type { Posting } from '../../../lambdas/core/posting/posting';
import { importedInvoiceId } from '../../../lambdas/core/invoices/import';
import { rfReferenceFor } from '../../../lambdas/core/invoices/invoice';
import type { AdviceSource, StoredAdvice } from '../../../lambdas/core/cash-application/advice-intake';
import { cashWorld } from '../../support/in-memory-cash';
import { anInvoice } from '../../support/builders';

describe('quoted references read by key (keyed-lookups)', () => {
  it('reads by key the numbers only an import can carry; the own series and charges items go to the index', () => {
    expect(numberKeyedByImport('ABCD-2025-000017', 'INV')).toBe(true);
    expect(numberKeyedByImport('PO 4711-X', 'INV')).toBe(true);
    expect(numberKeyedByImport('INV-2025-000017', 'INV')).toBe(false);
    expect(numberKeyedByImport('INV-2026-1234567', 'INV')).toBe(false);
    expect(numberKeyedByImport('ABCD-2025-000017-C', 'INV')).toBe(false);
    expect(numberKeyedByImport('2025-000017', 'INV')).toBe(false);
    expect(numberKeyedByImport('RE-2025-000017', 'FAKTURA-RE')).toBe(false);
  });

  it('reads by reservation the RF references only an import can carry, the same way', () => {
    expect(rfReferenceKeyedByImport(rfReferenceFor('ABCD-2025-000017'), 'INV')).toBe(true);
    expect(rfReferenceKeyedByImport(rfReferenceFor('INV-2026-000123'), 'INV')).toBe(false);
    expect(rfReferenceKeyedByImport(rfReferenceFor('INV-2026-000123-C'), 'INV')).toBe(false);
    expect(rfReferenceKeyedByImport(rfReferenceFor('ABCD-2025-000017-C'), 'INV')).toBe(false);
    // A long number keeps its last 21 characters in the reference: the cut prefix still counts as the own series.
    expect(rfReferenceKeyedByImport(rfReferenceFor('LONGPREFIXABCDEFGHIJ-2026-000123'), 'LONGPREFIXABCDEFGHIJ')).toBe(false);
  });
});

/** A posting writer that writes nothing and answers as told; and a posting that changes invoices (what the cache reads of it). */
function writerAnswering(answers: boolean[]): PostingWriter & { calls: number } {
  const writer = {
    calls: 0,
    post: async () => {
      writer.calls += 1;
      if (answers.shift() === false) throw new ConcurrentUpdateError('invoice I-A');
    },
    postTogether: async () => {
      writer.calls += 1;
      return answers.shift() ?? true;
    },
  };
  return writer;
}
const paying = (...changes: { before: Invoice; after: Invoice }[]) => ({ invoices: changes }) as unknown as Posting;

describe('stepOpenItems (the open items of one step of ApplyLines)', () => {
  it('queries a customer once per step; then offers its invoices as this step wrote them, without reading them again', async () => {
    // Prepare: two open invoices of C1, one of C2
    const world = cashWorld();
    const a = anInvoice({ invoiceId: 'I-A', customerId: 'C1', sequence: 1 });
    const b = anInvoice({ invoiceId: 'I-B', customerId: 'C1', sequence: 2 });
    const c = anInvoice({ invoiceId: 'I-C', customerId: 'C2', sequence: 3 });
    for (const invoice of [a, b, c]) world.tables.invoices.set(invoice.invoiceId, invoice);
    const step = stepOpenItems(world.openItems, writerAnswering([true]));

    // Act: the first chunk; the step's pack settles B and pays 10.00 of A; the next chunk
    const first = await step.openItems.openInvoicesOfCustomers(['C1']);
    const paidA = { ...a, balanceMinor: a.balanceMinor - 1_000, paidMinor: 1_000 };
    const written = await step.postings.postTogether([paying({ before: a, after: paidA }, { before: b, after: { ...b, balanceMinor: 0, paidMinor: b.totalMinor, status: 'PAID' } })]);
    const next = await step.openItems.openInvoicesOfCustomers(['C1', 'C2']);

    // Assert: C1 queried once; B no longer offered, A with its new balance, read by nobody again; C2 queried when first asked
    expect(written).toBe(true);
    expect(first.map((i) => i.invoiceId).sort()).toEqual(['I-A', 'I-B']);
    expect(next.map((i) => [i.invoiceId, i.balanceMinor]).sort()).toEqual([
      ['I-A', a.balanceMinor - 1_000],
      ['I-C', c.balanceMinor],
    ]);
    expect(world.openItems.calls.customers).toEqual(['C1', 'C2']);
    expect(world.openItems.calls.invoiceIds).toEqual([]);
  });

  it('reads an invoice again by key once a write naming it was refused (another writer changed it), and then sees that change', async () => {
    // Prepare: A open; the step's first pack is refused, its first single posting too
    const world = cashWorld();
    const a = anInvoice({ invoiceId: 'I-A', customerId: 'C1', sequence: 1 });
    world.tables.invoices.set('I-A', a);
    const step = stepOpenItems(world.openItems, writerAnswering([false, false]));
    await step.openItems.openInvoicesOfCustomers(['C1']);

    // Act: another writer settles A; the step's pack and then its line naming A are refused
    world.tables.invoices.set('I-A', { ...a, balanceMinor: 0, paidMinor: a.totalMinor, status: 'PAID' });
    const beforeRefusal = await step.openItems.openInvoicesOfCustomers(['C1']);
    const packWritten = await step.postings.postTogether([paying({ before: a, after: { ...a, balanceMinor: 1 } })]);
    const afterPack = await step.openItems.openInvoicesOfCustomers(['C1']);
    world.tables.invoices.set('I-A', { ...a, balanceMinor: 500 });
    await expect(step.postings.post(paying({ before: a, after: { ...a, balanceMinor: 1 } }))).rejects.toThrow(ConcurrentUpdateError);
    const afterLine = await step.openItems.openInvoicesOfCustomers(['C1']);

    // Assert: offered as read until refused; then read again once: settled by the other writer, it is no longer
    // offered, nor read again after the next refusal
    expect(beforeRefusal.map((i) => i.invoiceId)).toEqual(['I-A']);
    expect(packWritten).toBe(false);
    expect(afterPack).toEqual([]);
    expect(afterLine).toEqual([]);
    expect(world.openItems.calls.invoiceIds).toEqual(['I-A']);
  });

  it('takes an invoice quoted by a number only an import can carry from what the step knows, and reads the rest', async () => {
    // Prepare: two imported invoices of C1 (their ids from their numbers), one of them paid in part by the step
    const world = cashWorld();
    const a = anInvoice({ invoiceId: importedInvoiceId('ABCD-2025-000017'), number: 'ABCD-2025-000017', customerId: 'C1', sequence: 1 });
    const b = anInvoice({ invoiceId: importedInvoiceId('ABCD-2025-000018'), number: 'ABCD-2025-000018', customerId: 'C2', sequence: 2 });
    for (const invoice of [a, b]) world.tables.invoices.set(invoice.invoiceId, invoice);
    const step = stepOpenItems(world.openItems, writerAnswering([true]), 'INV');
    await step.openItems.openInvoicesOfCustomers(['C1']);
    await step.postings.postTogether([paying({ before: a, after: { ...a, balanceMinor: a.balanceMinor - 1_000, paidMinor: 1_000 } })]);

    // Act: a chunk quotes both numbers and an own-series one
    const found = await step.openItems.invoicesByNumber(['ABCD-2025-000017', 'ABCD-2025-000018', 'INV-2026-000001']);

    // Assert: A as the step wrote it, without reading it; B and the own-series number read
    expect(found.map((i) => [i.number, i.balanceMinor])).toEqual([
      ['ABCD-2025-000017', a.balanceMinor - 1_000],
      ['ABCD-2025-000018', b.balanceMinor],
    ]);
    expect(world.openItems.calls.invoiceNumbers).toEqual(['ABCD-2025-000018', 'INV-2026-000001']);
  });

  it('queries a customer once when two chunks ask at once', async () => {
    // Prepare: two open invoices of C1
    const world = cashWorld();
    for (const invoice of [anInvoice({ invoiceId: 'I-A', customerId: 'C1', sequence: 1 }), anInvoice({ invoiceId: 'I-B', customerId: 'C1', sequence: 2 })]) world.tables.invoices.set(invoice.invoiceId, invoice);
    const step = stepOpenItems(world.openItems, writerAnswering([]));

    // Act
    const [one, two] = await Promise.all([step.openItems.openInvoicesOfCustomers(['C1']), step.openItems.openInvoicesOfCustomers(['C1'])]);

    // Assert: one query, whose answer both chunks take
    expect(world.openItems.calls.customers).toEqual(['C1']);
    expect([one, two].map((found) => found.map((i) => i.invoiceId).sort())).toEqual([
      ['I-A', 'I-B'],
      ['I-A', 'I-B'],
    ]);
    expect(world.openItems.calls.invoiceIds).toEqual([]);
  });

  it('queries a customer again when its first query failed', async () => {
    // Prepare: the index fails once
    const world = cashWorld();
    world.tables.invoices.set('I-A', anInvoice({ invoiceId: 'I-A', customerId: 'C1', sequence: 1 }));
    const query = world.openItems.openInvoicesOfCustomers.bind(world.openItems);
    let failures = 1;
    const flaky: OpenItemReader = {
      invoicesByRfReference: (r) => world.openItems.invoicesByRfReference(r),
      invoicesByNumber: (n) => world.openItems.invoicesByNumber(n),
      invoicesById: (ids) => world.openItems.invoicesById(ids),
      knownPayers: (a, n) => world.openItems.knownPayers(a, n),
      openInvoicesOfCustomers: async (ids) => (failures-- > 0 ? Promise.reject(new Error('throttled')) : query(ids)),
    };
    const step = stepOpenItems(flaky, writerAnswering([]));

    // Act
    await expect(step.openItems.openInvoicesOfCustomers(['C1'])).rejects.toThrow('throttled');
    const again = await step.openItems.openInvoicesOfCustomers(['C1']);

    // Assert
    expect(again.map((i) => i.invoiceId)).toEqual(['I-A']);
    expect(world.openItems.calls.customers).toEqual(['C1']);
  });
});

describe('waitingOnce', () => {
  it('reads the waiting advices once, and offers an advice used by one chunk to no later chunk', async () => {
    // Prepare: two waiting advices in a source that counts its reads
    const advice = (adviceId: string) => ({ adviceId }) as StoredAdvice;
    let reads = 0;
    const marked: string[] = [];
    const source: AdviceSource = {
      waiting: async () => {
        reads += 1;
        return [advice('A1'), advice('A2')];
      },
      markUsed: async (adviceId) => {
        marked.push(adviceId);
        return adviceId === 'A1';
      },
    };
    const once = waitingOnce(source);

    // Act
    const first = await once.waiting();
    const used = await once.markUsed('A1', { paymentId: 'P', statementId: 'S', lineId: 'L', at: '2026-03-12T10:00:00.000Z' });
    const second = await once.waiting();
    const refused = await once.markUsed('A2', { paymentId: 'P2', statementId: 'S', lineId: 'L2', at: '2026-03-12T10:00:00.000Z' });
    const third = await once.waiting();

    // Assert: one read; the marks went through to the source with its answers
    expect(first.map((a) => a.adviceId)).toEqual(['A1', 'A2']);
    expect(second.map((a) => a.adviceId)).toEqual(['A2']);
    expect(third).toEqual([]);
    expect([used, refused]).toEqual([true, false]);
    expect(marked).toEqual(['A1', 'A2']);
    expect(reads).toBe(1);
  });
});

describe('own-series numbers (keyed-lookups)', () => {
  it('reads the series and sequence of a number as issued, and of an RF reference made of one', () => {
    expect(ownSeriesNumber('INV-2026-000123', 'INV')).toEqual({ series: 'INV-2026', sequence: 123 });
    expect(ownSeriesNumber('INV-2026-1234567', 'INV')).toEqual({ series: 'INV-2026', sequence: 1234567 });
    expect(ownSeriesNumber('INV-2026-123', 'INV')).toBeNull();
    expect(ownSeriesNumber('ABCD-2026-000123', 'INV')).toBeNull();
    expect(ownSeriesNumber('INV-2026-000123-C', 'INV')).toBeNull();
    expect(ownSeriesOfRfReference(rfReferenceFor('INV-2026-000123'), 'INV')).toEqual({ series: 'INV-2026', sequence: 123 });
    expect(ownSeriesOfRfReference(rfReferenceFor('FAKTURA-RE-2026-000123'), 'FAKTURA-RE')).toEqual({ series: 'FAKTURA-RE-2026', sequence: 123 });
    expect(ownSeriesOfRfReference(rfReferenceFor('ABCD-2026-000123'), 'INV')).toBeNull();
    expect(ownSeriesOfRfReference(rfReferenceFor('INV-2026-000123-C'), 'INV')).toBeNull();
  });
});
