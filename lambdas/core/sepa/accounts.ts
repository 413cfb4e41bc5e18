/**
 * The debtor's and creditor's accounts: IBAN and BIC checked with `ibantools` (country formats and
 * check digits), restricted to SEPA countries.
 */
import { electronicFormatIBAN, extractIBAN, isSEPACountry, isValidBIC, isValidIBAN } from 'ibantools';

/** The IBAN in electronic form (no spaces, upper case). */
export function electronicIban(text: string): string {
  return electronicFormatIBAN(text) ?? text.replace(/\s+/g, '').toUpperCase();
}

/** What is wrong with an IBAN for a SEPA payment, or null. */
export function ibanProblem(text: string): string | null {
  const iban = electronicIban(text);
  if (!isValidIBAN(iban)) return 'must be a valid IBAN (country format and check digits)';
  const country = extractIBAN(iban).countryCode ?? iban.slice(0, 2);
  if (!isSEPACountry(country)) return `must be an account in a SEPA country, not ${country}`;
  return null;
}

/** What is wrong with a BIC, or null. */
export function bicProblem(text: string): string | null {
  return isValidBIC(text.trim().toUpperCase()) ? null : 'must be a BIC of 8 or 11 characters (bank, country, location, branch)';
}

/** The last four characters of the IBAN, as the pre-notification names the account. */
export function ibanEnding(iban: string): string {
  return electronicIban(iban).slice(-4);
}
