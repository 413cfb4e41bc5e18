/**
 * Invoice PDF rendering benchmark: milliseconds to render one invoice (20 lines with tax, German
 * locale) to PDF, in process, as the GetInvoiceDocument and SendInvoice functions do.
 *
 *   npm run bench:pdf -- [--renders 200] [--warmup 20] [--lines 20]
 *
 * Prints the first (cold) render, which includes parsing the embedded font once per process, then
 * p50/p99/mean/max over `--renders` renders after `--warmup` discarded ones, and the HTML render
 * for comparison. Every render is checked to give the same bytes.
 */
import { parseArgs } from 'node:util';
import { invoiceDocument, type DocumentInvoice } from '../../lambdas/core/invoices/document/invoice-document';
import { renderInvoiceHtml } from '../../lambdas/core/invoices/document/invoice-html';
import { renderInvoicePdf } from '../../lambdas/core/invoices/document/invoice-pdf';
import { rfReferenceFor } from '../../lambdas/core/invoices/invoice';

const { values } = parseArgs({
  options: {
    renders: { type: 'string', default: '200' },
    warmup: { type: 'string', default: '20' },
    lines: { type: 'string', default: '20' },
  },
});
const renders = Number(values.renders);
const warmup = Number(values.warmup);
const lineCount = Number(values.lines);

const seller = {
  name: 'Example Trading GmbH',
  address: ['Musterstrasse 1', '10115 Berlin', 'Germany'],
  iban: 'DE89370400440532013000',
  bic: 'COBADEFFXXX',
  vatId: 'DE123456789',
};

function sampleInvoice(): DocumentInvoice {
  const lines = Array.from({ length: lineCount }, (_, i) => {
    const quantity = 1 + (i % 7);
    const unitPriceMinor = 1_995 + i * 1_250;
    return { lineNo: i + 1, sku: `SKU-${String(i + 1).padStart(4, '0')}-OFFICE-CHAIR-ERGONOMIC`, quantity, unitPriceMinor, amountMinor: quantity * unitPriceMinor, taxRatePercent: i % 4 === 0 ? '7' : '19' };
  });
  const byRate = new Map<string, { netMinor: number; taxMinor: number }>();
  for (const l of lines) {
    const entry = byRate.get(l.taxRatePercent) ?? { netMinor: 0, taxMinor: 0 };
    entry.netMinor += l.amountMinor;
    entry.taxMinor += Math.round((l.amountMinor * Number(l.taxRatePercent)) / 100);
    byRate.set(l.taxRatePercent, entry);
  }
  const taxes = [...byRate].map(([ratePercent, t]) => ({ ratePercent, ...t }));
  const totalMinor = taxes.reduce((sum, t) => sum + t.netMinor + t.taxMinor, 0);
  const number = 'INV-2026-000042';
  return {
    number,
    rfReference: rfReferenceFor(number),
    orderId: '3f2b8c1e-5a4d-4e2f-9b1a-0c7d6e5f4a3b',
    customerId: 'acme',
    customerName: 'Müller & Söhne Büroausstattung GmbH',
    currency: 'EUR',
    totalMinor,
    issueDate: '2026-11-26',
    dueDate: '2026-12-10',
    issuedAt: '2026-11-26T09:00:00.000Z',
    lines,
    taxes,
  };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const ms = (value: number) => value.toFixed(2);

const invoice = sampleInvoice();
let started = performance.now();
const first = await renderInvoicePdf(invoiceDocument(invoice, seller, 'de'));
const coldMs = performance.now() - started;
const reference = Buffer.from(first);

for (let i = 0; i < warmup; i++) await renderInvoicePdf(invoiceDocument(invoice, seller, 'de'));
const times: number[] = [];
for (let i = 0; i < renders; i++) {
  started = performance.now();
  const pdf = await renderInvoicePdf(invoiceDocument(invoice, seller, 'de'));
  times.push(performance.now() - started);
  if (!reference.equals(Buffer.from(pdf))) throw new Error(`render ${i + 1} gave other bytes than the first`);
}
times.sort((a, b) => a - b);

const htmlTimes: number[] = [];
for (let i = 0; i < renders; i++) {
  started = performance.now();
  renderInvoiceHtml(invoiceDocument(invoice, seller, 'de'));
  htmlTimes.push(performance.now() - started);
}
htmlTimes.sort((a, b) => a - b);

console.log(`invoice PDF, ${lineCount} lines with tax, de: ${reference.length} bytes, identical on every render`);
console.log(`first render (cold, parses the font): ${ms(coldMs)} ms`);
console.log(
  `PDF over ${renders} renders after ${warmup} warm-up: p50 ${ms(percentile(times, 50))} ms, p99 ${ms(percentile(times, 99))} ms, mean ${ms(times.reduce((a, b) => a + b, 0) / times.length)} ms, max ${ms(times.at(-1)!)} ms`,
);
console.log(`HTML over ${renders} renders: p50 ${ms(percentile(htmlTimes, 50))} ms, p99 ${ms(percentile(htmlTimes, 99))} ms`);
