/**
 * The SEPA creditor identifier (CI), as the EPC specifies it (EPC262-08, "Creditor Identifier
 * Overview"): country code (2 letters), 2 check digits, the creditor business code (3 characters,
 * `ZZZ` when unused) and the national identifier (up to 28 letters and digits). The check digits
 * are ISO 7064 MOD 97-10 over the national identifier followed by the country code and `00`; the
 * business code does not enter them (a creditor may use several with one CI).
 */
import { isSEPACountry } from 'ibantools';
import { mod97 } from '../references/rf-creditor-reference';

const FORMAT = /^([A-Z]{2})(\d{2})([A-Z0-9]{3})([A-Z0-9]{1,28})$/;

/** The electronic form: upper case, no spaces. */
export function normalizeCreditorIdentifier(text: string): string {
  return text.replace(/\s+/g, '').toUpperCase();
}

/** The CI for a country and national identifier (business code `ZZZ` unless given). */
export function createCreditorIdentifier(country: string, nationalId: string, businessCode = 'ZZZ'): string {
  const national = normalizeCreditorIdentifier(nationalId);
  return `${country}${String(98 - mod97(`${national}${country}00`)).padStart(2, '0')}${businessCode}${national}`;
}

/**
 * What is wrong with a creditor identifier (its electronic form), or null when it is valid: the
 * format, a country outside SEPA, or check digits that do not match.
 */
export function creditorIdentifierProblem(text: string): string | null {
  const ci = normalizeCreditorIdentifier(text);
  if (ci.length > 35) return 'must be at most 35 characters';
  const parts = FORMAT.exec(ci);
  if (!parts) return 'must be a SEPA creditor identifier: country code, 2 check digits, 3-character business code and national identifier (such as DE98ZZZ09999999999)';
  const [, country, check, , national] = parts as unknown as [string, string, string, string, string];
  if (!isSEPACountry(country)) return `must be issued in a SEPA country, not ${country}`;
  if (mod97(`${national}${country}${check}`) !== 1) return 'has check digits that do not match (ISO 7064 MOD 97-10)';
  return null;
}

export function isValidCreditorIdentifier(text: string): boolean {
  return creditorIdentifierProblem(text) === null;
}
