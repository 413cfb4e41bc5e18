/** What the use cases need, injected: the ports, the clock, an id source and the settings. */
import type { Clock } from './time/clock';
import type { CustomerStore, InvoiceStore, LedgerReader, Mailer, OrderStore, PaymentStore, PostingWriter, Workflow } from './ports';
import type { Seller } from './invoices/invoice-email';
import type { CustomerDefaults } from './customers/customer';

export interface CoreSettings {
  readonly businessTimeZone: string;
  readonly invoiceNumberPrefix: string;
  readonly seller: Seller;
  /** Finance's terms of a customer a storefront registers. */
  readonly customerDefaults: CustomerDefaults;
}

export interface CoreDeps {
  readonly customers: CustomerStore;
  readonly orders: OrderStore;
  readonly invoices: InvoiceStore;
  readonly payments: PaymentStore;
  /** The one writer of money (payments, credits, write-offs, charges). */
  readonly postings: PostingWriter;
  readonly ledger: LedgerReader;
  readonly workflow: Workflow;
  readonly mailer: Mailer;
  readonly clock: Clock;
  readonly newId: () => string;
  readonly settings: CoreSettings;
}
