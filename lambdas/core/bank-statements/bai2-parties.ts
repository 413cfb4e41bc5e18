/**
 * The ordering party of a BAI2 transaction, read from its text.
 *
 * BAI2 has no field for the payer: banks write it into the 16 record's text (and its 88
 * continuations) behind a label. The labels read here are the ones US and UK banks use in their
 * BAI2 reports:
 *
 * - `ORIG CO NAME:` the originating company of an ACH entry (NACHA's Company Name, as J.P. Morgan,
 *   Bank of America, Wells Fargo and PNC print it: `ORIG CO NAME:ACME CORP ORIG ID:1234567890
 *   DESC DATE:...`);
 * - `ORG=` the originator of a wire (Fedwire/CHIPS tag style: `ORG=/123456789 ACME CORP OGB=...`,
 *   the account after the slash);
 * - `ORIGINATOR:` and `ORIG:` (wire reports: `ORIG:ACME CORP ID:123 SND BK:...`);
 * - `ORG:=` the originator in Silicon Valley Bank's wire texts, whose labels end in `:=`
 *   (`SENDER BNK:=ETRADE BANK SENDER ID:=056073573 ORG:=ACME CORP ORG ADDRESS:=... BNF NAME:=...`);
 * - `B/O:` and `BY ORDER OF:` (international and UK transfers).
 *
 * The name runs to the next label: one of the labels these reports put after it (`ORIG ID:`,
 * `OGB=`, `OBI=`, `SND BK:` ...) or any single upper-case word directly followed by `:` or `=`.
 * Only the first labelled party is taken; a text without one (or a label with neither name nor
 * account) gives no payer. Linear in the text.
 */

export interface Bai2Party {
  /** Null when the label gives only an account (`ORG=/<account>`). */
  readonly name: string | null;
  /** The account when the label gives one (`ORG=/<account> <name>`). */
  readonly account: string | null;
}

/** Labels that introduce the ordering party, longest first where one starts another. */
const PAYER_LABELS = ['ORIG CO NAME:', 'BY ORDER OF:', 'ORIGINATOR:', 'ORIG:', 'ORG:=', 'ORG=', 'B/O:'] as const;

/** Labels that follow a name in these reports (two words and more; one-word labels are found by shape). */
const FOLLOWING_LABELS = [
  'ORIG ID:',
  'DESC DATE:',
  'CO ENTRY DESCR:',
  'ENTRY DESCR:',
  'ENTRY CLASS:',
  'IND ID:',
  'IND NAME:',
  'SND BK:',
  'SND BK ID:',
  'ORIG BK:',
  'PMT DET:',
  'CO ID:',
  'BNF BK:',
  'ORIG ADDR:',
  // Silicon Valley Bank's wire texts (labels ending in ":="; one-word ones are found by shape).
  'ORG ADDRESS:',
  'ORG ID:',
  'SENDER BNK:',
  'SENDER ID:',
  'BNF ID:',
  'BNF NAME:',
  'BNF ADDRESS:',
  'REC FI:',
  'REC ID:',
];

const MAX_NAME = 140;

/** Where `label` occurs in `upper` from `from` on at the start of the text or after a space; -1 if nowhere. */
function labelAt(upper: string, label: string, from: number): number {
  for (let at = upper.indexOf(label, from); at >= 0; at = upper.indexOf(label, at + 1)) {
    if (at === 0 || upper.charCodeAt(at - 1) === 32) return at;
  }
  return -1;
}

/** True for A-Z. */
const isUpper = (code: number) => code >= 65 && code <= 90;
/** True for the characters of a one-word label after its first letter: A-Z, 0-9, `#`, `/`, `_`. */
const isLabelChar = (code: number) => isUpper(code) || (code >= 48 && code <= 57) || code === 35 || code === 47 || code === 95;

/** The start of the first label at or after `from` (a known following label, or one upper-case word and `:` or `=`). */
function nextLabel(text: string, upper: string, from: number): number {
  let end = text.length;
  for (const label of [...FOLLOWING_LABELS, ...PAYER_LABELS]) {
    const at = labelAt(upper, label, from);
    if (at >= 0 && at < end) end = at;
  }
  // One word of 2-12 label characters, starting after a space, ending in ':' or '=': "OGB=", "SEC:", "TRN:".
  for (let i = from; i < end; i++) {
    if (text.charCodeAt(i) !== 32 || !isUpper(text.charCodeAt(i + 1))) continue;
    let j = i + 2;
    while (j < text.length && j - i <= 13 && isLabelChar(text.charCodeAt(j))) j++;
    const c = text.charCodeAt(j);
    if ((c === 58 || c === 61) && j - i >= 3) return i + 1;
  }
  return end;
}

/** The ordering party written in a BAI2 transaction's text, or null. */
export function bai2Payer(text: string): Bai2Party | null {
  if (text === '') return null;
  const upper = text.toUpperCase();
  let start = -1;
  let label = '';
  for (const candidate of PAYER_LABELS) {
    const at = labelAt(upper, candidate, 0);
    if (at >= 0 && (start < 0 || at < start)) {
      start = at;
      label = candidate;
    }
  }
  if (start < 0) return null;
  const valueStart = start + label.length;
  let value = text.slice(valueStart, nextLabel(text, upper, valueStart)).replace(/\s+/g, ' ').trim();
  let account: string | null = null;
  if (label === 'ORG=' && value.startsWith('/')) {
    const space = value.indexOf(' ');
    account = (space < 0 ? value.slice(1) : value.slice(1, space)).trim() || null;
    value = space < 0 ? '' : value.slice(space + 1).trim();
  }
  if (value === '' && account === null) return null;
  return { name: value === '' ? null : value.slice(0, MAX_NAME), account };
}
