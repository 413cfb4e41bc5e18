/**
 * The EPC's character set and length rules for SEPA files (EPC Implementation Guidelines, section
 * 1.4 "Character set", and EPC217-08 for converting what the basic set lacks):
 *
 * - free text (names, remittance information) may use only the Latin basic set
 *   `a-z A-Z 0-9 / - ? : ( ) . , ' +` and space; text with other characters is converted (accents
 *   dropped, `ß` → `ss`, `&` → `+`, anything else → `.`), never rejected;
 * - identifiers (message, payment information, end-to-end and mandate ids, creditor scheme id) use
 *   the same set without space, must not start or end with `/` and must not contain `//`; they
 *   are never converted: a wrong one is an error;
 * - each element has its EPC maximum length (names 70, unstructured remittance 140, ids 35).
 */

export const EPC_BASIC_LATIN = /^[A-Za-z0-9/\-?:().,'+ ]*$/;
const IDENTIFIER = /^[A-Za-z0-9/\-?:().,'+]+$/;

/** The EPC's maximum lengths of the elements the product writes. */
export const EPC_LENGTHS = {
  name: 70,
  addressLine: 70,
  remittanceUnstructured: 140,
  identifier: 35,
  mandateId: 35,
  endToEndId: 35,
} as const;

const SPECIAL: Readonly<Record<string, string>> = { ß: 'ss', Æ: 'AE', æ: 'ae', Ø: 'O', ø: 'o', Œ: 'OE', œ: 'oe', Þ: 'TH', þ: 'th', Ð: 'D', ð: 'd', Ł: 'L', ł: 'l', '&': '+', '’': "'", '‘': "'", '–': '-', '—': '-', _: '-' };

/**
 * `text` in the EPC basic Latin set, cut to `maxLength`: accents dropped, a few letters spelled out,
 * other characters replaced by `.`, white space collapsed. Idempotent.
 */
export function toEpcText(text: string, maxLength: number): string {
  let out = '';
  for (const ch of text.normalize('NFC')) {
    const mapped = SPECIAL[ch];
    if (mapped !== undefined) {
      out += mapped;
      continue;
    }
    if (EPC_BASIC_LATIN.test(ch)) {
      out += ch;
      continue;
    }
    if (/\s/.test(ch)) {
      out += ' ';
      continue;
    }
    const base = ch.normalize('NFD').replace(/\p{M}/gu, '');
    out += base.length > 0 && EPC_BASIC_LATIN.test(base) ? base : '.';
  }
  return out.replace(/ {2,}/g, ' ').trim().slice(0, maxLength).trim();
}

/** What is wrong with an identifier under the EPC rules, or null. */
export function epcIdentifierProblem(id: string, maxLength: number = EPC_LENGTHS.identifier): string | null {
  if (id.length === 0) return 'must not be empty';
  if (id.length > maxLength) return `must be at most ${maxLength} characters`;
  if (!IDENTIFIER.test(id)) return "may use only A-Z, a-z, 0-9 and / - ? : ( ) . , ' + (no spaces)";
  if (id.startsWith('/') || id.endsWith('/')) return 'must not start or end with "/"';
  if (id.includes('//')) return 'must not contain "//"';
  return null;
}

/** What is wrong with free text under the EPC rules (set and length), or null. */
export function epcTextProblem(text: string, maxLength: number): string | null {
  if (text.length > maxLength) return `must be at most ${maxLength} characters`;
  if (!EPC_BASIC_LATIN.test(text)) return "may use only the EPC basic Latin characters A-Z, a-z, 0-9, space and / - ? : ( ) . , ' +";
  return null;
}
