/**
 * What to load for matching a batch of statement lines, read from the lines themselves: the RF
 * references and invoice numbers they quote and the payers they name. Loading only these (and the
 * open items of the customers the payers are known for) keeps the cost of a statement proportional
 * to the statement, not to the number of invoices. Pure functions.
 */
import type { StatementLine } from '../bank-statements/statement';
import { locateRfReferences, normalizeRfReference } from '../references/rf-creditor-reference';
import { compactForm, numberWindows, words } from './invoice-number';
import { normalizeAccount, normalizePayerName } from './payer';

export interface StatementLookups {
  /** RF creditor references, electronic form, check digits verified. */
  readonly rfReferences: readonly string[];
  /** Invoice numbers as the invoices carry them, read from loosely written ones. */
  readonly invoiceNumbers: readonly string[];
  /** Payer accounts, normalized (see `normalizeAccount`). */
  readonly payerAccounts: readonly string[];
  /** Payer names, normalized (see `normalizePayerName`). */
  readonly payerNames: readonly string[];
}

/** At most this many invoice numbers are looked up per line: free text can hold many numbers. */
export const MAX_NUMBERS_PER_LINE = 12;

const YEAR = /^(19|20)\d{2}$/;
const GROUPS = /[A-Za-z]+|[0-9]+/g;

/**
 * The invoice numbers of the series this product issues (`<prefix>-<year>-<6 digits>`, see
 * `invoiceNumber`) that `text` may quote, in the exact form the invoices carry, so that each is one
 * index lookup: `inv2026123`, `INV 2026 000123`, `Inv.2026-123` and (with the prefix left out)
 * `2026-123` all give `INV-2026-000123`. Words that contain a digit are also kept as written (upper
 * case), for invoices numbered elsewhere (imported open items). The matcher then decides how well
 * what was written fits; a number that exists in no invoice costs one empty lookup.
 */
export function invoiceNumberCandidates(text: string, prefix: string): string[] {
  const found = new Set<string>();
  const compactPrefix = compactForm(prefix);
  const fieldWords = words(text);
  for (const window of numberWindows(fieldWords, 5)) {
    const groups: string[] = window.written.match(GROUPS) ?? [];
    let letters: string | null = null;
    let rest: string[] = groups;
    if (groups[0] && /^[A-Za-z]/.test(groups[0])) {
      letters = groups[0].toUpperCase();
      rest = groups.slice(1);
    }
    let year: string | undefined;
    let sequence: string | undefined;
    if (rest.length === 2 && YEAR.test(rest[0]!)) [year, sequence] = rest;
    else if (rest.length === 1 && rest[0]!.length >= 5 && YEAR.test(rest[0]!.slice(0, 4))) [year, sequence] = [rest[0]!.slice(0, 4), rest[0]!.slice(4)];
    if (!year || !sequence || !/^\d+$/.test(sequence)) continue;
    const significant = sequence.replace(/^0+/, '');
    if (significant === '' || significant.length > 6) continue;
    const seriesPrefix = letters === null || letters === compactPrefix ? prefix : letters;
    found.add(`${seriesPrefix}-${year}-${significant.padStart(6, '0')}`);
  }
  for (const token of text.split(/\s+/)) {
    const trimmed = token.replace(/^[^0-9A-Za-z]+|[^0-9A-Za-z]+$/g, '').toUpperCase();
    if (trimmed.length >= 4 && trimmed.length <= 40 && /\d/.test(trimmed) && !/^\d{1,4}$/.test(trimmed)) found.add(trimmed);
  }
  return [...found];
}

/** The fields of a line a payer quotes references in (as the matcher reads them). */
function quotedFields(line: StatementLine): string[] {
  const fields = [...(line.structuredReferences ?? []), line.structuredReference ?? '', line.remittanceText, line.endToEndId ?? '', line.customerReference ?? ''];
  return [...new Set(fields.map((f) => f.trim()).filter((f) => f !== '' && f.toUpperCase() !== 'NOTPROVIDED'))];
}

/**
 * Everything the credit lines among `lines` quote or name, each once. `prefix` is the invoice
 * number prefix of this product (`INV`). Debit lines are not payments and are left out.
 */
export function statementLookups(lines: Iterable<StatementLine>, prefix: string): StatementLookups {
  const rf = new Set<string>();
  const numbers = new Set<string>();
  const accounts = new Set<string>();
  const names = new Set<string>();
  for (const line of lines) {
    if (line.direction !== 'credit') continue;
    const perLine = new Set<string>();
    for (const field of quotedFields(line)) {
      const whole = normalizeRfReference(field);
      if (whole) rf.add(whole);
      for (const found of locateRfReferences(field)) rf.add(found.reference);
      for (const number of invoiceNumberCandidates(field, prefix)) {
        if (perLine.size >= MAX_NUMBERS_PER_LINE) break;
        if (normalizeRfReference(number) === null) perLine.add(number);
      }
    }
    perLine.forEach((n) => numbers.add(n));
    if (line.payerAccount) {
      const account = normalizeAccount(line.payerAccount);
      if (account !== '') accounts.add(account);
    }
    if (line.payerName) {
      const name = normalizePayerName(line.payerName);
      if (name !== null) names.add(name);
    }
  }
  return { rfReferences: [...rf], invoiceNumbers: [...numbers], payerAccounts: [...accounts], payerNames: [...names] };
}
