/**
 * Payer identity as statements print it: accounts (IBANs and other numbers, spaced or not) and
 * names (any case, accents, legal forms). Pure string functions.
 */

/** The account without spaces, dots and dashes, upper case: `de89 3704-0044` -> `DE8937040044`. */
export function normalizeAccount(account: string): string {
  return account.replace(/[\s.\-/]+/g, '').toUpperCase();
}

/** Legal forms that payers add or drop at will; they never tell two customers apart on a statement. */
const LEGAL_FORMS = new Set([
  'AB', 'AG', 'AS', 'ASA', 'BV', 'CO', 'CORP', 'CORPORATION', 'GMBH', 'INC', 'KG', 'LLC', 'LLP', 'LTD',
  'LIMITED', 'NV', 'OHG', 'OY', 'OYJ', 'PLC', 'SA', 'SARL', 'SAS', 'SE', 'SPA', 'SRL', 'UG', 'COMPANY',
]);

/**
 * A comparable form of a person or company name: accents removed, upper case, punctuation and legal
 * forms dropped, words sorted: `Müller & Söhne GmbH` and `sohne, muller` both give `MULLER SOHNE`.
 * Null when nothing distinctive is left.
 */
export function normalizePayerName(name: string): string | null {
  const plain = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/&/g, ' ');
  const tokens = (plain.match(/[0-9A-Z]+/g) ?? []).filter((t) => !LEGAL_FORMS.has(t) && t !== 'AND' && t !== 'THE');
  if (tokens.length === 0) return null;
  return tokens.sort().join(' ');
}

/** The account with all but its last four characters hidden, for reasons shown to people. */
export function maskAccount(account: string): string {
  const normalized = normalizeAccount(account);
  return normalized.length <= 4 ? '****' : `****${normalized.slice(-4)}`;
}
