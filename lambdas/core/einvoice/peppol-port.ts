/**
 * The port for sending e-invoices over the Peppol network. Sending needs a contract with a Peppol
 * access point (a certified service provider); no adapter exists yet. An adapter implements this
 * port with the access point's API and is wired where invoices are sent: the document it carries
 * is the `peppol-bis` XML of `einvoice.ts`, from the seller's `peppolId` to the customer's.
 */
export interface PeppolAccessPoint {
  /** Hands the document to the access point; resolves with the access point's message id. */
  send(message: {
    readonly senderId: string;
    readonly receiverId: string;
    /** Peppol document type: the UBL Invoice or CreditNote of BIS Billing 3.0. */
    readonly documentType: 'invoice' | 'credit-note';
    readonly xml: string;
  }): Promise<{ readonly messageId: string }>;
}
