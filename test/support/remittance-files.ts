/**
 * Bank statement files and open items for the remittance benchmark and the asynchronous upload
 * tests: N open items of C customers (imported through POST /invoices/import) and a camt.054 with
 * one credit line per item (RF references, loosely written numbers, partial, over and short
 * payments, unknown payers), as a bank would send them.
 */
import { rfReferenceFor } from '../../lambdas/core/invoices/invoice';
import type { ApiDriver } from '../integration/support/api-driver';

export interface OpenItem {
  readonly number: string;
  readonly customerId: string;
  readonly balanceMinor: number;
}

export const amount = (minor: number) => `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')}`;

/** `lines` open items over `customers` customers, numbered `<prefix>-2025-000001`... */
export function openItems(prefix: string, lines: number, customers: readonly string[]): OpenItem[] {
  return Array.from({ length: lines }, (_, i) => ({
    number: `${prefix}-2025-${String(i + 1).padStart(6, '0')}`,
    customerId: customers[i % customers.length]!,
    balanceMinor: 10_000 + ((i * 7_919) % 900_000),
  }));
}

/** The items as POST /invoices/import takes them (due far ahead, so they stay open). */
export function importBody(items: readonly OpenItem[]) {
  return items.map((item) => ({ number: item.number, customerId: item.customerId, currency: 'EUR', total: amount(item.balanceMinor), balance: amount(item.balanceMinor), issueDate: '2026-02-01', dueDate: '2099-12-31' }));
}

/** What kind of line the i-th is: 12 of 20 quote the RF reference, 4 a loosely written number, then partial, over, short, unknown payer. */
export function lineKind(i: number): 'rf' | 'loose' | 'partial' | 'over' | 'short' | 'unknown' {
  const kind = i % 20;
  return kind < 12 ? 'rf' : kind < 16 ? 'loose' : kind === 16 ? 'partial' : kind === 17 ? 'over' : kind === 18 ? 'short' : 'unknown';
}

/** One camt.054 entry: what the payer of `item` sent, by the kind of line `i` is. */
function entry(item: OpenItem, i: number, prefix: string, customers: number): string {
  const seq = Number(item.number.split('-')[2]);
  let paid = item.balanceMinor;
  let remittance = '';
  let structured = '';
  let payer = `ACCT-${item.customerId}`;
  const kind = lineKind(i);
  if (kind === 'rf') structured = rfReferenceFor(item.number);
  else if (kind === 'loose') remittance = `Rechnung ${prefix.toLowerCase()} 2025 ${seq}`;
  else if (kind === 'partial') [paid, structured] = [Math.floor(item.balanceMinor / 2), rfReferenceFor(item.number)];
  else if (kind === 'over') [paid, remittance] = [item.balanceMinor + 1_000, `Invoice ${item.number}`];
  else if (kind === 'short') [paid, remittance] = [item.balanceMinor - 100, `Invoice ${item.number}, less fees`];
  else [payer, remittance] = [`ACCT-UNKNOWN-${i}`, 'thank you'];
  return `
      <Ntry>
        <Amt Ccy="EUR">${amount(paid)}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><Dt>2026-03-12</Dt></BookgDt><ValDt><Dt>2026-03-12</Dt></ValDt>
        <NtryDtls><TxDtls>
          <Refs><AcctSvcrRef>BENCH-${prefix}-${i + 1}</AcctSvcrRef></Refs>
          <Amt Ccy="EUR">${amount(paid)}</Amt><CdtDbtInd>CRDT</CdtDbtInd>
          <RltdPties><Dbtr><Pty><Nm>Payer ${i % customers}</Nm></Pty></Dbtr><DbtrAcct><Id><Othr><Id>${payer}</Id></Othr></Id></DbtrAcct></RltdPties>
          <RmtInf>${remittance ? `<Ustrd>${remittance}</Ustrd>` : ''}${structured ? `<Strd><CdtrRefInf><Ref>${structured}</Ref></CdtrRefInf></Strd>` : ''}</RmtInf>
        </TxDtls></NtryDtls>
      </Ntry>`;
}

/** A camt.054.001.08 credit notification with one entry per open item. */
export function camt054For(prefix: string, items: readonly OpenItem[], customers: number): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08">
  <BkToCstmrDbtCdtNtfctn>
    <GrpHdr><MsgId>BENCH-${prefix}</MsgId><CreDtTm>2026-03-12T18:00:00+01:00</CreDtTm></GrpHdr>
    <Ntfctn><Id>BENCH-${prefix}-1</Id><CreDtTm>2026-03-12T18:00:00+01:00</CreDtTm>
      <Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>EUR</Ccy></Acct>${items.map((item, i) => entry(item, i, prefix, customers)).join('')}
    </Ntfctn>
  </BkToCstmrDbtCdtNtfctn>
</Document>
`;
}

/** Polls `path` until its status is `completed` or `failed`; returns the last answer and the progress seen on the way. */
export async function pollUntilFinished<T extends { status?: unknown; progress?: unknown }>(api: ApiDriver, path: string, timeoutMs = 300_000, everyMs = 250) {
  const seen: string[] = [];
  const started = performance.now();
  const last = await api.waitFor(
    `${path} to finish`,
    async () => {
      const response = await api.get<T>(path);
      if (response.status === 200 && typeof response.body.progress === 'string' && seen.at(-1)?.endsWith(` ${response.body.progress}`) !== true) {
        seen.push(`${((performance.now() - started) / 1000).toFixed(1)} s ${response.body.progress}`);
      }
      await new Promise((r) => setTimeout(r, everyMs));
      return response;
    },
    (r) => r.status !== 200 || r.body.status === 'completed' || r.body.status === 'failed',
    timeoutMs,
  );
  return { response: last, seen, seconds: (performance.now() - started) / 1000 };
}

/** Imports the items (POST /invoices/import, 202) and waits until the import completed. */
export async function importAndWait(api: ApiDriver, items: readonly OpenItem[]) {
  const accepted = await api.post<{ importId: string }>('/invoices/import', importBody(items), 'finance');
  if (accepted.status !== 202) throw new Error(`POST /invoices/import answered ${accepted.status}: ${JSON.stringify(accepted.body).slice(0, 500)}`);
  const { response } = await pollUntilFinished<{ status: string; progress: string; imported?: number }>(api, `/invoices/import/${accepted.body.importId}`);
  if (response.body.status !== 'completed') throw new Error(`the import ended ${JSON.stringify(response.body).slice(0, 500)}`);
  return response.body;
}
