/** Showing API values: decimal strings stay exact (no floats), dates and instants read locally. */

/** `"1234567.50"` and `EUR` give `1,234,567.50 EUR`. */
export function money(amount: string | null | undefined, currency?: string | null): string {
  if (amount === null || amount === undefined || amount === '') return '–';
  const negative = amount.startsWith('-');
  const [whole = '0', fraction] = amount.replace(/^-/, '').split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '−' : ''}${grouped}${fraction !== undefined ? `.${fraction}` : ''}${currency ? ` ${currency}` : ''}`;
}

/** An instant as `2026-03-02 10:15` in the browser's time zone, with the ISO form for a title. */
export function instant(iso: string | null | undefined): string {
  if (!iso) return '–';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Whole days from the calendar date `from` to `to` (positive when `to` is later). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** A number of days or a percent with one decimal, or the reason there is none. */
export function figure(value: number | null | undefined, unit: string, none = 'not computable'): string {
  if (value === null || value === undefined) return none;
  return `${value.toFixed(1)}${unit}`;
}

/** `WaitForShipment` → `Wait for shipment`: state names read as the business process. */
export function humanize(name: string): string {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/_/g, ' ').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Minor units as a decimal string with the currency's decimals (`12345`, `EUR` → `123.45`). */
export function fromMinor(minor: number | null | undefined, currency: string): string | null {
  if (minor === null || minor === undefined) return null;
  let digits = 2;
  try {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    // unknown currency: two decimals
  }
  const negative = minor < 0;
  const text = String(Math.abs(minor)).padStart(digits + 1, '0');
  return `${negative ? '-' : ''}${digits === 0 ? text : `${text.slice(0, -digits)}.${text.slice(-digits)}`}`;
}
