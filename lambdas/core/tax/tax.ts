/**
 * Sales tax on invoice lines. A line's rate is a decimal percent ("19", "7", "8.1", "0"); its tax
 * is rounded per line, half up to the currency's minor unit: tax = round(net x rate / 100). The
 * invoice shows, per rate, the sum of the lines' nets and the sum of the lines' rounded taxes, so
 * the printed tax per rate always equals the sum of the line taxes (documented rounding: per line).
 */

/** A rate as basis points of a percent (19% -> 1900, 8.1% -> 810): exact integer arithmetic. */
export function rateBasisPoints(ratePercent: string): number {
  const match = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(ratePercent);
  if (!match) throw new TaxRateError(ratePercent);
  const basisPoints = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  if (basisPoints > 10_000) throw new TaxRateError(ratePercent);
  return basisPoints;
}

export class TaxRateError extends Error {
  constructor(ratePercent: string) {
    super(`"${ratePercent}" is not a tax rate: a decimal percent from 0 to 100 with at most 2 decimals, such as "19" or "7.5"`);
    this.name = 'TaxRateError';
  }
}

/** The canonical text of a rate ("19.00" -> "19", "7.50" -> "7.5"). */
export function normalizeRate(ratePercent: string): string {
  const bp = rateBasisPoints(ratePercent);
  const whole = Math.floor(bp / 100);
  const fraction = String(bp % 100).padStart(2, '0').replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : String(whole);
}

/** Tax of one line, in minor units, rounded half up (away from zero for negative nets). */
export function lineTax(netMinor: number, ratePercent: string): number {
  const bp = BigInt(rateBasisPoints(ratePercent));
  const net = BigInt(Math.abs(netMinor));
  const rounded = (net * bp + 5_000n) / 10_000n;
  const tax = Number(rounded);
  return netMinor < 0 ? -tax : tax;
}

export interface TaxSummaryLine {
  readonly ratePercent: string;
  readonly netMinor: number;
  readonly taxMinor: number;
}

/** The invoice's tax table: per rate, nets and line taxes summed, rates in ascending order. */
export function taxSummary(lines: readonly { netMinor: number; taxMinor: number; taxRatePercent: string | null }[]): TaxSummaryLine[] {
  const byRate = new Map<string, { netMinor: number; taxMinor: number }>();
  for (const line of lines) {
    if (line.taxRatePercent === null) continue;
    const entry = byRate.get(line.taxRatePercent) ?? { netMinor: 0, taxMinor: 0 };
    entry.netMinor += line.netMinor;
    entry.taxMinor += line.taxMinor;
    byRate.set(line.taxRatePercent, entry);
  }
  return [...byRate.entries()]
    .sort(([a], [b]) => rateBasisPoints(a) - rateBasisPoints(b))
    .map(([ratePercent, v]) => ({ ratePercent, ...v }));
}
