/**
 * The EN 16931 model as OASIS UBL 2.1 (Invoice, or CreditNote for type 381), in the element order
 * of the UBL 2.1 schemas, for the EN 16931 core, XRechnung (UBL) and Peppol BIS Billing 3.0.
 */
import { XMLBuilder } from 'fast-xml-parser';
import { formatAmount } from '../money/money';
import { PEPPOL_BILLING_PROCESS, SPECIFICATIONS, type EInvoice, type EParty } from './model';
import type { VatBreakdownRow } from '../tax/vat';

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', format: true, suppressEmptyNode: true });

type Node = Record<string, unknown>;

export function toUbl(doc: EInvoice): string {
  const currency = doc.currency;
  const amount = (minor: number) => ({ '#text': formatAmount({ minor, currency }), '@_currencyID': currency });
  const creditNote = doc.typeCode === '381';
  const party = (p: EParty, seller: boolean): Node => ({
    'cbc:EndpointID': { '#text': p.electronicAddress.id, '@_schemeID': p.electronicAddress.scheme },
    'cac:PartyName': { 'cbc:Name': p.name },
    'cac:PostalAddress': {
      'cbc:StreetName': p.address.lines[0],
      ...(p.address.lines[1] ? { 'cbc:AdditionalStreetName': p.address.lines[1] } : {}),
      'cbc:CityName': p.address.city,
      'cbc:PostalZone': p.address.postcode,
      ...(p.address.subdivision ? { 'cbc:CountrySubentity': p.address.subdivision } : {}),
      ...(p.address.lines[2] ? { 'cac:AddressLine': { 'cbc:Line': p.address.lines[2] } } : {}),
      'cac:Country': { 'cbc:IdentificationCode': p.address.country },
    },
    ...(p.vatId ? { 'cac:PartyTaxScheme': { 'cbc:CompanyID': p.vatId, 'cac:TaxScheme': { 'cbc:ID': 'VAT' } } } : {}),
    'cac:PartyLegalEntity': { 'cbc:RegistrationName': p.name, ...(p.legalId ? { 'cbc:CompanyID': p.legalId } : {}) },
    ...(seller && p.contact
      ? {
          'cac:Contact': {
            ...(p.contact.name ? { 'cbc:Name': p.contact.name } : {}),
            ...(p.contact.phone ? { 'cbc:Telephone': p.contact.phone } : {}),
            ...(p.contact.email ? { 'cbc:ElectronicMail': p.contact.email } : {}),
          },
        }
      : {}),
  });
  const taxCategory = (category: string, ratePercent: string, breakdown: boolean, exemption?: Pick<VatBreakdownRow, 'exemptionCode' | 'exemptionReason'>): Node => ({
    'cbc:ID': category,
    // A line outside the scope of VAT has no rate (BR-O-05); its breakdown row says 0 (XRechnung BR-DE-14).
    ...(category === 'O' && !breakdown ? {} : { 'cbc:Percent': ratePercent }),
    ...(exemption?.exemptionCode ? { 'cbc:TaxExemptionReasonCode': exemption.exemptionCode } : {}),
    ...(exemption?.exemptionReason ? { 'cbc:TaxExemptionReason': exemption.exemptionReason } : {}),
    'cac:TaxScheme': { 'cbc:ID': 'VAT' },
  });
  const exempt = (row: VatBreakdownRow) => (row.vatCategory === 'S' || row.vatCategory === 'Z' ? undefined : row);
  const lineTag = creditNote ? 'cac:CreditNoteLine' : 'cac:InvoiceLine';
  const quantityTag = creditNote ? 'cbc:CreditedQuantity' : 'cbc:InvoicedQuantity';
  const root: Node = {
    '@_xmlns': creditNote ? 'urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2' : 'urn:oasis:names:specification:ubl:schema:xsd:Invoice-2',
    '@_xmlns:cac': 'urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2',
    '@_xmlns:cbc': 'urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2',
    'cbc:CustomizationID': SPECIFICATIONS[doc.specification],
    'cbc:ProfileID': PEPPOL_BILLING_PROCESS,
    'cbc:ID': doc.number,
    'cbc:IssueDate': doc.issueDate,
    ...(!creditNote && doc.dueDate ? { 'cbc:DueDate': doc.dueDate } : {}),
    [creditNote ? 'cbc:CreditNoteTypeCode' : 'cbc:InvoiceTypeCode']: doc.typeCode,
    ...(doc.notes.length ? { 'cbc:Note': [...doc.notes] } : {}),
    'cbc:DocumentCurrencyCode': doc.currency,
    'cbc:BuyerReference': doc.buyerReference,
    ...(doc.delivery.period ? { 'cac:InvoicePeriod': { 'cbc:StartDate': doc.delivery.period.from, 'cbc:EndDate': doc.delivery.period.to } } : {}),
    ...(doc.orderReference ? { 'cac:OrderReference': { 'cbc:ID': doc.orderReference } } : {}),
    ...(doc.precedingInvoice
      ? { 'cac:BillingReference': { 'cac:InvoiceDocumentReference': { 'cbc:ID': doc.precedingInvoice.number, 'cbc:IssueDate': doc.precedingInvoice.issueDate } } }
      : {}),
    'cac:AccountingSupplierParty': { 'cac:Party': party(doc.seller, true) },
    'cac:AccountingCustomerParty': { 'cac:Party': party(doc.buyer, false) },
    'cac:Delivery': {
      ...(doc.delivery.date ? { 'cbc:ActualDeliveryDate': doc.delivery.date } : {}),
      'cac:DeliveryLocation': {
        'cac:Address': {
          'cbc:StreetName': doc.delivery.address.lines[0],
          'cbc:CityName': doc.delivery.address.city,
          'cbc:PostalZone': doc.delivery.address.postcode,
          'cac:Country': { 'cbc:IdentificationCode': doc.delivery.address.country },
        },
      },
    },
    'cac:PaymentMeans': {
      'cbc:PaymentMeansCode': doc.payment.meansCode,
      'cbc:PaymentID': doc.payment.remittanceInformation,
      'cac:PayeeFinancialAccount': {
        'cbc:ID': doc.payment.iban,
        'cbc:Name': doc.payment.accountName,
        'cac:FinancialInstitutionBranch': { 'cbc:ID': doc.payment.bic },
      },
    },
    'cac:PaymentTerms': { 'cbc:Note': doc.payment.terms },
    'cac:TaxTotal': {
      'cbc:TaxAmount': amount(doc.totals.taxMinor),
      'cac:TaxSubtotal': doc.vatBreakdown.map((row) => ({
        'cbc:TaxableAmount': amount(row.netMinor),
        'cbc:TaxAmount': amount(row.taxMinor),
        'cac:TaxCategory': taxCategory(row.vatCategory, row.ratePercent, true, exempt(row)),
      })),
    },
    'cac:LegalMonetaryTotal': {
      'cbc:LineExtensionAmount': amount(doc.totals.lineNetMinor),
      'cbc:TaxExclusiveAmount': amount(doc.totals.taxExclusiveMinor),
      'cbc:TaxInclusiveAmount': amount(doc.totals.taxInclusiveMinor),
      'cbc:PayableAmount': amount(doc.totals.payableMinor),
    },
    [lineTag]: doc.lines.map((line) => ({
      'cbc:ID': line.id,
      [quantityTag]: { '#text': String(line.quantity), '@_unitCode': 'C62' },
      'cbc:LineExtensionAmount': amount(line.netMinor),
      'cac:Item': {
        'cbc:Name': line.itemName,
        'cac:SellersItemIdentification': { 'cbc:ID': line.sellerItemId },
        'cac:ClassifiedTaxCategory': taxCategory(line.vatCategory, line.ratePercent, false),
      },
      'cac:Price': { 'cbc:PriceAmount': amount(line.unitPriceMinor) },
    })),
  };
  return builder.build({ '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' }, [creditNote ? 'CreditNote' : 'Invoice']: root }) as string;
}
