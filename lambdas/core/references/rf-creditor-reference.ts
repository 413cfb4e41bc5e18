/**
 * RF creditor reference (ISO 11649): `RF` + 2 check digits + a reference of 1 to 21 characters
 * `A-Z0-9`. The check digits are computed with ISO 7064 MOD 97-10, the same scheme as IBAN: the
 * reference is followed by `RF00`, letters become numbers (A = 10 ... Z = 35), and the check digits
 * are `98 - (that number mod 97)`. A reference is valid when, with its first four characters moved
 * to the end and converted the same way, it leaves remainder 1 modulo 97.
 *
 * The electronic form has no spaces and is upper case (`RF18539007547034`); the printed form is
 * grouped in fours (`RF18 5390 0754 7034`) and payers often type it in lower case. Pure functions,
 * no I/O.
 */

/** A base or reference that cannot be turned into an RF creditor reference. */
export class RfReferenceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RfReferenceError';
  }
}

/** Longest reference part (after `RF` and the check digits) the standard allows. */
export const RF_MAX_BASE_LENGTH = 21;

const ELECTRONIC = /^RF\d{2}[0-9A-Z]{1,21}$/;
const BASE = /^[0-9A-Z]{1,21}$/;

/**
 * Remainder modulo 97 of the number spelled by `text` once letters are replaced by 10..35 (ISO 7064
 * MOD 97-10, also the check of IBANs and SEPA creditor identifiers). Works digit by digit so that
 * references of any length never leave safe integer range. `text` must hold only 0-9 and A-Z.
 */
export function mod97(text: string): number {
  let remainder = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 48 && code <= 57) {
      remainder = (remainder * 10 + (code - 48)) % 97;
    } else {
      const value = code - 55; // 'A' (65) -> 10
      remainder = (remainder * 100 + value) % 97;
    }
  }
  return remainder;
}

/** Removes all white space and upper-cases: the electronic form of whatever the payer typed. */
function compact(text: string): string {
  return text.replace(/\s+/g, '').toUpperCase();
}

/**
 * Builds the RF creditor reference for `base` (1 to 21 letters or digits; spaces and lower case
 * are accepted as typed and removed/upper-cased). Returns the electronic form, e.g.
 * `createRfReference('539007547034') === 'RF18539007547034'`. The result always passes
 * {@link isValidRfReference}; the same base always gives the same reference.
 *
 * @throws RfReferenceError when the base is empty, longer than 21 characters or has other characters.
 */
export function createRfReference(base: string): string {
  const reference = compact(base);
  if (!BASE.test(reference)) {
    throw new RfReferenceError(
      `"${base}" cannot be an RF creditor reference base: it needs 1 to ${RF_MAX_BASE_LENGTH} letters or digits`,
    );
  }
  const check = 98 - mod97(`${reference}RF00`);
  return `RF${String(check).padStart(2, '0')}${reference}`;
}

/**
 * True when `text` is an RF creditor reference with correct check digits. Accepts the printed form
 * (spaces anywhere, lower case), since that is how payers copy it; refuses anything else (other
 * punctuation, a reference part longer than 21 characters, wrong check digits).
 */
export function isValidRfReference(text: string): boolean {
  return normalizeRfReference(text) !== null;
}

/**
 * The electronic form (`RF18539007547034`) of an RF creditor reference as typed or printed
 * (`rf18 5390 0754 7034`), or `null` when `text` is not a valid RF creditor reference. Use the
 * result as the key when storing or looking up references: two spellings of one reference give
 * the same string.
 */
export function normalizeRfReference(text: string): string | null {
  const reference = compact(text);
  if (!ELECTRONIC.test(reference)) return null;
  return mod97(reference.slice(4) + reference.slice(0, 4)) === 1 ? reference : null;
}

/**
 * The printed form of a valid RF creditor reference: groups of four characters separated by one
 * space, the last group possibly shorter (`RF18 5390 0754 7034`, `RF71 2348 231`).
 *
 * @throws RfReferenceError when `reference` is not a valid RF creditor reference.
 */
export function formatRfReferenceForPrint(reference: string): string {
  const normalized = normalizeRfReference(reference);
  if (normalized === null) throw new RfReferenceError(`"${reference}" is not a valid RF creditor reference`);
  return normalized.match(/.{1,4}/g)!.join(' ');
}

const TOKEN = /[0-9A-Za-z]+/g;
const RF_START = /^RF\d{2}/i;

/** An RF creditor reference found in free text, with the characters it spans there. */
export interface RfReferenceInText {
  /** Electronic form, check digits verified. */
  readonly reference: string;
  /** Offset of its first character in the text and the number of characters it spans (spaces included). */
  readonly index: number;
  readonly length: number;
}

/**
 * Finds every valid RF creditor reference written in free text (remittance information), in the
 * order they appear, with where it stands. A reference counts when it stands as one word
 * (`RF18539007547034`, also after punctuation such as `ref:`) or in printed groups of four
 * (`RF18 5390 0754 7034`, the longest grouping whose check digits verify). Only references whose
 * check digits verify are returned, so a mistyped reference is never read as another one.
 */
export function locateRfReferences(text: string): RfReferenceInText[] {
  const tokens = [...text.matchAll(TOKEN)];
  const found: RfReferenceInText[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]![0];
    if (!RF_START.test(token)) continue;
    const start = tokens[i]!.index;
    const single = normalizeRfReference(token);
    if (single !== null) {
      found.push({ reference: single, index: start, length: token.length });
      continue;
    }
    // Printed form: the first group has four characters (RFdd), then groups of four, the last
    // possibly shorter. Try the longest grouping first.
    if (token.length !== 4) continue;
    const candidates: { joined: string; last: number }[] = [];
    let joined = token;
    for (let j = i + 1; j < tokens.length; j++) {
      const group = tokens[j]![0];
      if (group.length > 4 || joined.length + group.length > 4 + RF_MAX_BASE_LENGTH) break;
      joined += group;
      candidates.push({ joined, last: j });
      if (group.length < 4) break;
    }
    for (let k = candidates.length - 1; k >= 0; k--) {
      const candidate = candidates[k]!;
      const reference = normalizeRfReference(candidate.joined);
      if (reference !== null) {
        const lastToken = tokens[candidate.last]!;
        found.push({ reference, index: start, length: lastToken.index + lastToken[0].length - start });
        i = candidate.last;
        break;
      }
    }
  }
  return found;
}

/**
 * The valid RF creditor references written in free text, in electronic form, in order of
 * appearance, each once. See {@link locateRfReferences} for what counts as written.
 */
export function findRfReferences(text: string): string[] {
  return [...new Set(locateRfReferences(text).map((found) => found.reference))];
}
