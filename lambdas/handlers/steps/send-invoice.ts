/** Order step SendInvoiceByEmail: email the invoice through SES, once. */
import { directDebitStore } from '../../shared/sepa-wiring';
import type { MandateReader } from '../../core/invoices/invoice-documents';
import { z } from 'zod';
import { sendInvoice } from '../../core/invoices/send-invoice';
import type { CoreDeps } from '../../core/deps';
import { parseWith } from '../../core/validation';
import { stepHandler } from '../../shared/http';
import { clock, coreSettings, customerStore, invoiceReader, mailer } from '../../shared/wiring';

const input = z.object({ invoiceId: z.string().min(1) });

export function makeHandler(deps: Pick<CoreDeps, 'invoices' | 'customers' | 'mailer' | 'clock' | 'settings'> & { readonly mandates?: MandateReader }) {
  return stepHandler((event) => parseWith(input, event), (command) => sendInvoice(deps, command));
}

export const handler = makeHandler({ invoices: invoiceReader(), customers: customerStore(), mailer: mailer(), clock, settings: coreSettings(), mandates: directDebitStore() });
