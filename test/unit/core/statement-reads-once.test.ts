/**
 * What the asynchronous statement processing reads fewer times: quoted numbers and RF references
 * only an imported open item can carry (read by key, `keyed-lookups.ts`), the customers' open items
 * queried once per step and read again by key for the next chunks, and the waiting advices read
 * once per step, an advice used by one chunk not offered to the next.
 */
import { describe, expect, it } from 'vitest';
import { numberKeyedByImport, ownSeriesNumber, ownSeriesOfRfReference, rfReferenceKeyedByImport } from '../../../lambdas/core/cash-application/keyed-lookups';
import { customersQueriedOnce, waitingOnce } from '../../../lambdas/core/cash-application/statement-processing';
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

describe('customersQueriedOnce', () => {
  it('queries a customer once per step, then reads its invoices by key and keeps the open ones', async () => {
    // Prepare: two open invoices of C1, one of C2
    const world = cashWorld();
    const a = anInvoice({ invoiceId: 'I-A', customerId: 'C1', sequence: 1 });
    const b = anInvoice({ invoiceId: 'I-B', customerId: 'C1', sequence: 2 });
    const c = anInvoice({ invoiceId: 'I-C', customerId: 'C2', sequence: 3 });
    for (const invoice of [a, b, c]) world.tables.invoices.set(invoice.invoiceId, invoice);
    const reader = customersQueriedOnce(world.openItems);

    // Act: the first chunk, then B paid in between, then the next chunk
    const first = await reader.openInvoicesOfCustomers(['C1']);
    world.tables.invoices.set('I-B', { ...b, balanceMinor: 0 });
    const next = await reader.openInvoicesOfCustomers(['C1', 'C2']);

    // Assert: C1 queried once, its invoices read again by key (B no longer open), C2 queried when first asked
    expect(first.map((i) => i.invoiceId).sort()).toEqual(['I-A', 'I-B']);
    expect(next.map((i) => i.invoiceId).sort()).toEqual(['I-A', 'I-C']);
    expect(world.openItems.calls.customers).toEqual(['C1', 'C2']);
    expect(world.openItems.calls.invoiceIds.sort()).toEqual(['I-A', 'I-B']);
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
