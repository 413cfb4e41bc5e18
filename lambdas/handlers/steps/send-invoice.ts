/** Order step SendInvoiceByEmail: email the invoice through SES, once. */
import * as z from 'zod';
import { directDebitStore } from '../../shared/sepa-wiring';
import type { MandateReader } from '../../core/invoices/invoice-documents';
import { sendInvoice } from '../../core/invoices/send-invoice';
import type { CoreDeps } from '../../core/deps';
import { parseWith } from '../../core/validation';
import { stepHandler } from '../../shared/http';
import { clock, coreSettings, customerStore, invoiceReader, mailer } from '../../shared/wiring';
import { payLinks } from '../../shared/portal-wiring';
import type { PayLinks } from '../../core/portal/pay-link';

const input = z.object({ invoiceId: z.string().min(1) });

export function makeHandler(deps: Pick<CoreDeps, 'invoices' | 'customers' | 'mailer' | 'clock' | 'settings'> & { readonly payLinks?: PayLinks; readonly mandates?: MandateReader }) {
  return stepHandler((event) => parseWith(input, event), (command) => sendInvoice(deps, command));
}

export const handler = makeHandler({ invoices: invoiceReader(), customers: customerStore(), mailer: mailer(), clock, settings: coreSettings(), payLinks: payLinks(), mandates: directDebitStore() });
