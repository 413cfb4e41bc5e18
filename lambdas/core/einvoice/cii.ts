/**
 * The EN 16931 model as UN/CEFACT Cross Industry Invoice D16B (the syntax of ZUGFeRD/Factur-X in its
 * EN 16931 profile and of XRechnung CII), in the element order of the D16B schemas.
 */
import { XMLBuilder } from 'fast-xml-parser';
import { formatAmount } from '../money/money';
import { PEPPOL_BILLING_PROCESS, SPECIFICATIONS, type EInvoice, type EParty } from './model';

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', format: true, suppressEmptyNode: true });

type Node = Record<string, unknown>;

/** `2026-03-02` as CII's date format 102 (`20260302`). */
const date102 = (date: string) => ({ 'udt:DateTimeString': { '#text': date.replaceAll('-', ''), '@_format': '102' } });

export function toCii(doc: EInvoice): string {
  const currency = doc.currency;
  const amount = (minor: number) => formatAmount({ minor, currency });
  const party = (p: EParty, seller: boolean): Node => ({
    'ram:Name': p.name,
    ...(p.legalId ? { 'ram:SpecifiedLegalOrganization': { 'ram:ID': p.legalId } } : {}),
    ...(seller && p.contact
      ? {
          'ram:DefinedTradeContact': {
            ...(p.contact.name ? { 'ram:PersonName': p.contact.name } : {}),
            ...(p.contact.phone ? { 'ram:TelephoneUniversalCommunication': { 'ram:CompleteNumber': p.contact.phone } } : {}),
            ...(p.contact.email ? { 'ram:EmailURIUniversalCommunication': { 'ram:URIID': p.contact.email } } : {}),
          },
        }
      : {}),
    'ram:PostalTradeAddress': {
      'ram:PostcodeCode': p.address.postcode,
      'ram:LineOne': p.address.lines[0],
      ...(p.address.lines[1] ? { 'ram:LineTwo': p.address.lines[1] } : {}),
      ...(p.address.lines[2] ? { 'ram:LineThree': p.address.lines[2] } : {}),
      'ram:CityName': p.address.city,
      'ram:CountryID': p.address.country,
      ...(p.address.subdivision ? { 'ram:CountrySubDivisionName': p.address.subdivision } : {}),
    },
    'ram:URIUniversalCommunication': { 'ram:URIID': { '#text': p.electronicAddress.id, '@_schemeID': p.electronicAddress.scheme } },
    ...(p.vatId || p.taxNumber
      ? {
          'ram:SpecifiedTaxRegistration': [
            ...(p.vatId ? [{ 'ram:ID': { '#text': p.vatId, '@_schemeID': 'VA' } }] : []),
            ...(p.taxNumber ? [{ 'ram:ID': { '#text': p.taxNumber, '@_schemeID': 'FC' } }] : []),
          ],
        }
      : {}),
  });
  const root: Node = {
    '@_xmlns:rsm': 'urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100',
    '@_xmlns:ram': 'urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100',
    '@_xmlns:qdt': 'urn:un:unece:uncefact:data:standard:QualifiedDataType:100',
    '@_xmlns:udt': 'urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100',
    'rsm:ExchangedDocumentContext': {
      'ram:BusinessProcessSpecifiedDocumentContextParameter': { 'ram:ID': PEPPOL_BILLING_PROCESS },
      'ram:GuidelineSpecifiedDocumentContextParameter': { 'ram:ID': SPECIFICATIONS[doc.specification] },
    },
    'rsm:ExchangedDocument': {
      'ram:ID': doc.number,
      'ram:TypeCode': doc.typeCode,
      'ram:IssueDateTime': date102(doc.issueDate),
      ...(doc.notes.length ? { 'ram:IncludedNote': doc.notes.map((n) => ({ 'ram:Content': n })) } : {}),
    },
    'rsm:SupplyChainTradeTransaction': {
      'ram:IncludedSupplyChainTradeLineItem': doc.lines.map((line) => ({
        'ram:AssociatedDocumentLineDocument': { 'ram:LineID': line.id },
        'ram:SpecifiedTradeProduct': { 'ram:SellerAssignedID': line.sellerItemId, 'ram:Name': line.itemName },
        'ram:SpecifiedLineTradeAgreement': { 'ram:NetPriceProductTradePrice': { 'ram:ChargeAmount': amount(line.unitPriceMinor) } },
        'ram:SpecifiedLineTradeDelivery': { 'ram:BilledQuantity': { '#text': String(line.quantity), '@_unitCode': 'C62' } },
        'ram:SpecifiedLineTradeSettlement': {
          'ram:ApplicableTradeTax': {
            'ram:TypeCode': 'VAT',
            'ram:CategoryCode': line.vatCategory,
            ...(line.vatCategory === 'O' ? {} : { 'ram:RateApplicablePercent': line.ratePercent }),
          },
          'ram:SpecifiedTradeSettlementLineMonetarySummation': { 'ram:LineTotalAmount': amount(line.netMinor) },
        },
      })),
      'ram:ApplicableHeaderTradeAgreement': {
        'ram:BuyerReference': doc.buyerReference,
        'ram:SellerTradeParty': party(doc.seller, true),
        'ram:BuyerTradeParty': party(doc.buyer, false),
        ...(doc.orderReference ? { 'ram:BuyerOrderReferencedDocument': { 'ram:IssuerAssignedID': doc.orderReference } } : {}),
      },
      'ram:ApplicableHeaderTradeDelivery': {
        'ram:ShipToTradeParty': {
          'ram:PostalTradeAddress': {
            'ram:PostcodeCode': doc.delivery.address.postcode,
            'ram:LineOne': doc.delivery.address.lines[0],
            'ram:CityName': doc.delivery.address.city,
            'ram:CountryID': doc.delivery.address.country,
          },
        },
        ...(doc.delivery.date ? { 'ram:ActualDeliverySupplyChainEvent': { 'ram:OccurrenceDateTime': date102(doc.delivery.date) } } : {}),
      },
      'ram:ApplicableHeaderTradeSettlement': {
        'ram:PaymentReference': doc.payment.remittanceInformation,
        'ram:InvoiceCurrencyCode': doc.currency,
        'ram:SpecifiedTradeSettlementPaymentMeans': {
          'ram:TypeCode': doc.payment.meansCode,
          'ram:PayeePartyCreditorFinancialAccount': { 'ram:IBANID': doc.payment.iban, 'ram:AccountName': doc.payment.accountName },
          'ram:PayeeSpecifiedCreditorFinancialInstitution': { 'ram:BICID': doc.payment.bic },
        },
        'ram:ApplicableTradeTax': doc.vatBreakdown.map((row) => {
          const exempt = row.vatCategory !== 'S' && row.vatCategory !== 'Z';
          return {
            'ram:CalculatedAmount': amount(row.taxMinor),
            'ram:TypeCode': 'VAT',
            ...(exempt && row.exemptionReason ? { 'ram:ExemptionReason': row.exemptionReason } : {}),
            'ram:BasisAmount': amount(row.netMinor),
            'ram:CategoryCode': row.vatCategory,
            ...(exempt && row.exemptionCode ? { 'ram:ExemptionReasonCode': row.exemptionCode } : {}),
            // Every breakdown row states its rate, 0 outside the scope of VAT too (XRechnung BR-DE-14).
            'ram:RateApplicablePercent': row.ratePercent,
          };
        }),
        ...(doc.delivery.period
          ? { 'ram:BillingSpecifiedPeriod': { 'ram:StartDateTime': date102(doc.delivery.period.from), 'ram:EndDateTime': date102(doc.delivery.period.to) } }
          : {}),
        'ram:SpecifiedTradePaymentTerms': {
          'ram:Description': doc.payment.terms,
          ...(doc.dueDate ? { 'ram:DueDateDateTime': date102(doc.dueDate) } : {}),
        },
        'ram:SpecifiedTradeSettlementHeaderMonetarySummation': {
          'ram:LineTotalAmount': amount(doc.totals.lineNetMinor),
          'ram:TaxBasisTotalAmount': amount(doc.totals.taxExclusiveMinor),
          'ram:TaxTotalAmount': { '#text': amount(doc.totals.taxMinor), '@_currencyID': currency },
          'ram:GrandTotalAmount': amount(doc.totals.taxInclusiveMinor),
          'ram:DuePayableAmount': amount(doc.totals.payableMinor),
        },
        ...(doc.precedingInvoice
          ? {
              'ram:InvoiceReferencedDocument': {
                'ram:IssuerAssignedID': doc.precedingInvoice.number,
                'ram:FormattedIssueDateTime': { 'qdt:DateTimeString': { '#text': doc.precedingInvoice.issueDate.replaceAll('-', ''), '@_format': '102' } },
              },
            }
          : {}),
      },
    },
  };
  return builder.build({ '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' }, 'rsm:CrossIndustryInvoice': root }) as string;
}
