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

/**
 * Letter and digit groups with the leading zeros of each digit group removed, joined:
 * `INV-2026-000123`, `INV 2026 123` and `inv2026-0123` all give `INV2026123`. Separators between
 * groups do not count, so `inv2026123` (one digit group) gives `INV2026123` as well.
 */
export function groupForm(text: string): string {
  // A character loop (see groupCodeAt): it runs for every window and candidate of the typo rule.
  let out = '';
  for (let i = 0; ; i = after) {
    const code = groupCodeAt(text, i);
    if (code === -1) return out;
    out += String.fromCharCode(code);
  }
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
 * for `INV-2026-000123`: not proof alone), or null. Compares in place, character by character
 * (the same as comparing their {@link compactForm}, {@link groupForm} and {@link lookupKey}): it
 * runs for every candidate of every line.
 */
export function readingStrength(written: string, invoiceNumber: string): 'exact' | 'loose' | 'zeros' | null {
  if (sameKeyForm(written, invoiceNumber, false)) return 'exact';
  if (sameGroupForm(written, invoiceNumber)) return 'loose';
  if (sameKeyForm(written, invoiceNumber, true)) return 'zeros';
  return null;
}

// In-place readings of the forms above: the next character code of a form from an index, or -1 at
// the end, with the index after it in `after` (module state: no object per call).
let after = 0;

/** The next code of {@link compactForm} (`dropZeros` false) or {@link lookupKey} (true) of `text` from `i`. */
function keyCodeAt(text: string, i: number, dropZeros: boolean): number {
  for (; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code >= 49 && code <= 57) || (code === 48 && !dropZeros) || (code >= 65 && code <= 90)) {
      after = i + 1;
      return code;
    }
    if (code >= 97 && code <= 122) {
      after = i + 1;
      return code - 32;
    }
  }
  after = i;
  return -1;
}

function isDigitCode(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** The next code of {@link groupForm} of `text` from `i` (leading zeros of a digit run skipped; a run of zeros gives one). */
function groupCodeAt(text: string, i: number): number {
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (isDigitCode(code)) {
      if (code === 48 && (i === 0 || !isDigitCode(text.charCodeAt(i - 1)))) {
        let j = i;
        while (j < text.length && text.charCodeAt(j) === 48) j++;
        if (j < text.length && isDigitCode(text.charCodeAt(j))) {
          i = j;
          continue;
        }
        after = j;
        return 48;
      }
      after = i + 1;
      return code;
    }
    if (code >= 65 && code <= 90) {
      after = i + 1;
      return code;
    }
    if (code >= 97 && code <= 122) {
      after = i + 1;
      return code - 32;
    }
    i++;
  }
  after = i;
  return -1;
}

/** `compactForm(a) === compactForm(b)` (`dropZeros` false) or `lookupKey(a) === lookupKey(b)` (true), without building either. */
export function sameKeyForm(a: string, b: string, dropZeros: boolean): boolean {
  let i = 0;
  let j = 0;
  for (;;) {
    const ca = keyCodeAt(a, i, dropZeros);
    i = after;
    const cb = keyCodeAt(b, j, dropZeros);
    j = after;
    if (ca !== cb) return false;
    if (ca === -1) return true;
  }
}

/** `groupForm(a) === groupForm(b)`, without building either. */
export function sameGroupForm(a: string, b: string): boolean {
  let i = 0;
  let j = 0;
  for (;;) {
    const ca = groupCodeAt(a, i);
    i = after;
    const cb = groupCodeAt(b, j);
    j = after;
    if (ca !== cb) return false;
    if (ca === -1) return true;
  }
}

/** FNV-1a over the code units of {@link lookupKey}`(text)`, without building it (as `hashString(lookupKey(text))`). */
export function hashLookupKey(text: string): number {
  return hashLookupKeyFrom(LOOKUP_KEY_HASH_START, text);
}

/** Where {@link hashLookupKey} starts (the FNV-1a offset basis). */
export const LOOKUP_KEY_HASH_START = 0x811c9dc5;

/**
 * {@link hashLookupKey} continued over `text` from `hash`, the hash of what came before: the
 * hash of `a b` is `hashLookupKeyFrom(hashLookupKey(a), b)` (separators do not count), so the
 * windows of a remittance text are hashed word by word without joining them.
 */
export function hashLookupKeyFrom(hash: number, text: string): number {
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code >= 97 && code <= 122) code -= 32;
    else if (!((code >= 49 && code <= 57) || (code >= 65 && code <= 90))) continue;
    hash = Math.imul(hash ^ code, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * True when `text` starts with the letter prefix `prefix` (as {@link letterPrefix} reads it: the
 * letters before the first digit, upper-cased, other characters left out), without building it.
 */
export function hasLetterPrefix(text: string, prefix: string): boolean {
  let k = 0;
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code >= 48 && code <= 57) break;
    if (code >= 97 && code <= 122) code -= 32;
    else if (!(code >= 65 && code <= 90)) continue;
    if (k >= prefix.length || prefix.charCodeAt(k) !== code) return false;
    k++;
  }
  return k === prefix.length;
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
    if (sameFrom(a, i + 1, b, i + 1)) return true;
    return i + 1 < la && a.charCodeAt(i) === b.charCodeAt(i + 1) && a.charCodeAt(i + 1) === b.charCodeAt(i) && sameFrom(a, i + 2, b, i + 2);
  }
  return la > lb ? sameFrom(a, i + 1, b, i) : sameFrom(a, i, b, i + 1);
}

/** `a.slice(i) === b.slice(j)`, without the slices. */
function sameFrom(a: string, i: number, b: string, j: number): boolean {
  const from = Math.min(i, a.length);
  const fromB = Math.min(j, b.length);
  if (a.length - from !== b.length - fromB) return false;
  for (let k = 0; k < a.length - from; k++) if (a.charCodeAt(from + k) !== b.charCodeAt(fromB + k)) return false;
  return true;
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
