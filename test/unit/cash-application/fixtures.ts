import type { StatementLine } from '../../../lambdas/core/bank-statements/statement';
import type { KnownCustomer, OpenItem } from '../../../lambdas/core/cash-application/types';

let sequence = 0;

/** A credit line with nothing on it but what the test gives. */
export function creditLine(fields: Partial<StatementLine> & { amountMinor: number }): StatementLine {
  sequence++;
  return {
    lineId: `line-${sequence}`,
    sequence,
    direction: 'credit',
    currency: 'EUR',
    bookingDate: '2026-03-02',
    valueDate: '2026-03-02',
    structuredReference: null,
    endToEndId: null,
    accountServicerReference: null,
    remittanceText: '',
    payerName: null,
    payerAccount: null,
    bankTransactionCode: null,
    ...fields,
  };
}

/** An open EUR invoice of customer C-1 unless told otherwise. */
export function openItem(invoiceNumber: string, balanceMinor: number, fields: Partial<OpenItem> = {}): OpenItem {
  return {
    invoiceId: `id-${invoiceNumber}`,
    invoiceNumber,
    customerId: 'C-1',
    customerName: 'Acme Trading GmbH',
    currency: 'EUR',
    balanceMinor,
    issueDate: '2026-01-15',
    dueDate: '2026-02-14',
    rfReference: null,
    ...fields,
  };
}

export function customer(customerId: string, fields: Partial<KnownCustomer> = {}): KnownCustomer {
  return { customerId, name: `Customer ${customerId}`, knownAccounts: [], knownPayerNames: [], ...fields };
}
