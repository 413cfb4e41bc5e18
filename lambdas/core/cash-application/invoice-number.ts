/**
 * Loose reading of invoice numbers as payers write them: any case, with or without separators,
 * with or without the leading zeros of a number group (`INV-2026-000123` written `inv2026123`,
 * `INV 2026 123`, `Inv.2026-00123`). Pure string functions.
 */

/** Upper case letters and digits only: `inv-2026-000123` -> `INV2026000123`. */
export function compactForm(text: string): string {
  return alphanumericUpper(text, false);
}

/**
 * Letters and digits of `text`, letters upper-cased, zeros left out when `dropZeros`. A character
 * loop rather than regular expressions: it runs once per open item and several times per line.
 */
function alphanumericUpper(text: string, dropZeros: boolean): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 48 && code <= 57) {
      if (!(dropZeros && code === 48)) out += text[i];
    } else if (code >= 65 && code <= 90) {
      out += text[i];
    } else if (code >= 97 && code <= 122) {
      out += String.fromCharCode(code - 32);
    }
  }
  return out;
}

const GROUP = /[A-Za-z]+|[0-9]+/g;

/**
 * Letter and digit groups with the leading zeros of each digit group removed, joined:
 * `INV-2026-000123`, `INV 2026 123` and `inv2026-0123` all give `INV2026123`. Separators between
 * groups do not count, so `inv2026123` (one digit group) gives `INV2026123` as well.
 */
export function groupForm(text: string): string {
  const groups = text.match(GROUP);
  if (!groups) return '';
  let out = '';
  for (const group of groups) {
    const code = group.charCodeAt(0);
    if (code >= 48 && code <= 57) {
      const stripped = group.replace(/^0+/, '');
      out += stripped === '' ? '0' : stripped;
    } else {
      out += group.toUpperCase();
    }
  }
  return out;
}

/**
 * The index key: the compact form without any zero. Every loose spelling of a number shares it
 * (`INV2026000123`, `INV2026123` and `INV20260123` give `INV226123`), so one lookup finds all
 * candidates; {@link readingStrength} then says how well a spelling fits.
 */
export function lookupKey(text: string): string {
  return alphanumericUpper(text, true);
}

/** The letters an invoice number starts with (`INV` of `INV-2026-1`), or '' for none. */
export function letterPrefix(invoiceNumber: string): string {
  let out = '';
  for (let i = 0; i < invoiceNumber.length; i++) {
    const code = invoiceNumber.charCodeAt(i);
    if (code >= 48 && code <= 57) break;
    if (code >= 65 && code <= 90) out += invoiceNumber[i];
    else if (code >= 97 && code <= 122) out += String.fromCharCode(code - 32);
  }
  return out;
}

/**
 * How a written text fits an invoice number: `exact` (same letters and digits), `loose` (same
 * groups up to separators and leading zeros), `zeros` (only the zeros differ, e.g. `INV20260123`
 * for `INV-2026-000123`: not proof alone), or null.
 */
export function readingStrength(written: string, invoiceNumber: string): 'exact' | 'loose' | 'zeros' | null {
  const compactWritten = compactForm(written);
  const compactNumber = compactForm(invoiceNumber);
  if (compactWritten === compactNumber) return 'exact';
  if (groupForm(written) === groupForm(invoiceNumber)) return 'loose';
  if (compactWritten.replace(/0/g, '') === compactNumber.replace(/0/g, '')) return 'zeros';
  return null;
}

/**
 * True when `a` becomes `b` by at most one edit: one character replaced, inserted, deleted, or two
 * neighbours swapped (optimal string alignment distance <= 1). Linear time, no allocation.
 */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  let i = 0;
  while (i < la && i < lb && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (la === lb) {
    // Replacement: the rest after i+1 equal. Swap: a[i]=b[i+1], a[i+1]=b[i], rest after i+2 equal.
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return i + 1 < la && a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

/** A run of up to {@link MAX_WINDOW_TOKENS} neighbouring words of a remittance field. */
export interface TextWindow {
  /** The words as written, joined by a space (`INV 2026 123`). */
  readonly written: string;
  /** Index of the first word and the number of words, within the field. */
  readonly start: number;
  readonly length: number;
  readonly startsWithDigit: boolean;
}

/** Invoice numbers written with separators span up to this many words (`INV 2026 000 123`). */
export const MAX_WINDOW_TOKENS = 4;

const WORD = /[0-9A-Za-z]+/g;

/** The words (letters and digits) of a remittance field, as written. */
export function words(text: string): string[] {
  return text.match(WORD) ?? [];
}

/**
 * Every window of 1 to {@link MAX_WINDOW_TOKENS} neighbouring words that contains a digit and has at
 * least `minLength` letters and digits: the places an invoice number can be written.
 */
export function numberWindows(fieldWords: readonly string[], minLength = 4): TextWindow[] {
  const windows: TextWindow[] = [];
  for (let start = 0; start < fieldWords.length; start++) {
    let written = '';
    let size = 0;
    let hasDigit = false;
    for (let length = 1; length <= MAX_WINDOW_TOKENS && start + length <= fieldWords.length; length++) {
      const word = fieldWords[start + length - 1]!;
      written = length === 1 ? word : `${written} ${word}`;
      size += word.length;
      if (/[0-9]/.test(word)) hasDigit = true;
      if (size > 40) break;
      if (hasDigit && size >= minLength) {
        windows.push({ written, start, length, startsWithDigit: /^[0-9]/.test(fieldWords[start]!) });
      }
    }
  }
  return windows;
}
