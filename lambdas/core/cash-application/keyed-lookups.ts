/**
 * Which quoted references can be looked up by key instead of by index query (one round trip per
 * 100 keys instead of one per reference), and when that answer is the whole answer. Pure functions.
 *
 * Imported open items are keyed by their number (`importedInvoiceId`), and each import reserves
 * the RF reference of every item it writes (an `rf-reference#...` item naming the invoice). So a
 * number or reference an import took is found by key. The product's own invoices are keyed by
 * order and shipment, and the charges item of any invoice (`<number>-C`) by the invoice's id, so
 * those are found only through the indexes. A quoted number or reference is therefore read by key
 * when it cannot be one of those (not in the product's own series `<prefix>-<year>-<sequence>`,
 * not a charges item): then the invoice found by key is the only one carrying it, as an import
 * refuses a number or RF reference another invoice has. Whatever is not found by key (a legacy
 * item, a typo, nothing) is still looked up in the index, so nothing is missed.
 */
import { compactForm } from './invoice-number';

/**
 * Whether `compact` (letters and digits, upper case, of a number or an RF reference's body) may be
 * a number the product issues or a charges item's: `<prefix><year><sequence of 6 or more digits>`,
 * possibly cut from the left (an RF reference keeps the last 21 characters), or anything ending in `C`.
 */
function mayBeIssuedOrCharges(compact: string, prefix: string): boolean {
  if (compact.endsWith('C')) return true;
  const split = /^([A-Z0-9]*?)(\d{10,})$/.exec(compact);
  if (!split) return false;
  const letters = split[1]!;
  const ownPrefix = compactForm(prefix);
  // The digits may have taken some of a numeric prefix; the rest must be (the end of) the prefix.
  return letters === '' || ownPrefix.endsWith(letters) || ownPrefix === letters;
}

/** An invoice number that only an imported open item can carry: found by the key its number gives. */
export function numberKeyedByImport(number: string, prefix: string): boolean {
  if (/-C$/i.test(number.trim())) return false;
  return !mayBeIssuedOrCharges(compactForm(number), prefix);
}

/** An RF creditor reference (electronic form) that only an imported open item can carry: found by its import's reservation. */
export function rfReferenceKeyedByImport(rfReference: string, prefix: string): boolean {
  const body = compactForm(rfReference).slice(4);
  return body !== '' && !mayBeIssuedOrCharges(body, prefix);
}
