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

/** A number of the product's own series, `<prefix>-<year>-<sequence>`: its series (the counter's id) and sequence. */
export interface OwnSeriesNumber {
  readonly series: string;
  readonly sequence: number;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The series and sequence of a number written exactly as the product issues them (`INV-2026-000123`),
 * else null. A number of its series above the series' last sequence was never issued: only an
 * imported item can carry it (found by key), so it needs no index query.
 */
export function ownSeriesNumber(number: string, prefix: string): OwnSeriesNumber | null {
  const found = new RegExp(`^${escapeRegExp(prefix)}-(\\d{4})-(\\d{6,})$`).exec(number);
  return found ? { series: `${prefix}-${found[1]!}`, sequence: Number(found[2]!) } : null;
}

/**
 * The own-series number an RF reference was made from (`rfReferenceFor`), when its body is the
 * whole compact number (`INV2026000123`); null otherwise, and when the body has the 21 characters
 * a longer number is cut to (it may be the end of another number).
 */
export function ownSeriesOfRfReference(rfReference: string, prefix: string): OwnSeriesNumber | null {
  const body = compactForm(rfReference).slice(4);
  const ownPrefix = compactForm(prefix);
  if (body.length >= 21 || !body.startsWith(ownPrefix)) return null;
  const digits = body.slice(ownPrefix.length);
  if (!/^\d{10,}$/.test(digits)) return null;
  return ownSeriesNumber(`${prefix}-${digits.slice(0, 4)}-${digits.slice(4)}`, prefix);
}
