/**
 * The complete German seller the tests deploy and invoice as (a stage other than `local` refuses
 * the placeholder seller): one record for the CDK tests and the e-invoice cases.
 */
export const nordlichtSeller = {
  name: 'Nordlicht Handels GmbH',
  address: ['Am Kai 7', '20457 Hamburg', 'Germany'],
  iban: 'DE02120300000000202051',
  bic: 'BYLADEM1001',
  vatId: 'DE811907980',
  postalAddress: { lines: ['Am Kai 7'], city: 'Hamburg', postcode: '20457', subdivision: 'HH', country: 'DE' },
  legalId: 'HRB 98765',
  taxNumber: '22/815/08151',
  contact: { name: 'Debitorenbuchhaltung', phone: '+49 40 1234567', email: 'ar@nordlicht.example' },
};
