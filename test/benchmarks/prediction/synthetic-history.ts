/**
 * A generator of realistic payment histories to develop and measure the payment-date model with.
 * Customers have their own habits (punctual, steadily late, chronically late, erratic, paying in
 * month-end runs), some drift (worse or better over time, a few stop paying), dispute some
 * invoices (disputes delay the payment a lot, some are never paid), pay later in summer and at the
 * year's end, later for large amounts and paper invoices, and never on weekends. Customers join
 * over the period, so some have no history when they are first predicted.
 *
 * Deterministic: the same options give the same history (seeded PRNG, no clock).
 */
import { dateOfDay, dayNumber, type HistoryInvoice } from '../../../lambdas/core/prediction/history';
import { SeededRandom } from '../../../lambdas/core/prediction/stats';

export interface HistoryOptions {
  readonly customers: number;
  readonly seed: number;
  /** First issue date. */
  readonly start: string;
  /** Months of invoices. */
  readonly months: number;
  /** The day the history was extracted: payments on or after it are not in it (default: the end of the period). */
  readonly extractedOn?: string;
}

type Habit = 'punctual' | 'steady' | 'chronic' | 'erratic' | 'month-end-run';

const COUNTRIES = [
  { country: 'DE', currency: 'EUR', shift: 2, weight: 5 },
  { country: 'FR', currency: 'EUR', shift: 6, weight: 4 },
  { country: 'IT', currency: 'EUR', shift: 14, weight: 3 },
  { country: 'ES', currency: 'EUR', shift: 11, weight: 3 },
  { country: 'NL', currency: 'EUR', shift: 0, weight: 2 },
  { country: 'SE', currency: 'SEK', shift: -1, weight: 2 },
  { country: 'GB', currency: 'GBP', shift: 5, weight: 3 },
  { country: 'US', currency: 'USD', shift: 4, weight: 3 },
] as const;

const CHANNELS = [
  { channel: 'electronic', shift: 0, weight: 5 },
  { channel: 'email', shift: 2, weight: 3 },
  { channel: 'paper', shift: 6, weight: 2 },
] as const;

function weighted<T extends { weight: number }>(random: SeededRandom, items: readonly T[]): T {
  const total = items.reduce((a, i) => a + i.weight, 0);
  let r = random.next() * total;
  for (const item of items) {
    r -= item.weight;
    if (r < 0) return item;
  }
  return items[items.length - 1]!;
}

function endOfMonthDay(day: number): number {
  const d = new Date(day * 86_400_000);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0) / 86_400_000;
}

/** Moves a Saturday or Sunday to the Monday after. */
function workingDay(day: number): number {
  const weekday = new Date(day * 86_400_000).getUTCDay();
  return weekday === 6 ? day + 2 : weekday === 0 ? day + 1 : day;
}

export function generateHistory(options: HistoryOptions): HistoryInvoice[] {
  const random = new SeededRandom(options.seed * 7919 + 17);
  const start = dayNumber(options.start);
  const startDate = new Date(start * 86_400_000);
  const end = Date.UTC(startDate.getUTCFullYear(), startDate.getUTCMonth() + options.months, startDate.getUTCDate()) / 86_400_000;
  const extracted = options.extractedOn ? dayNumber(options.extractedOn) : end;
  const invoices: HistoryInvoice[] = [];
  let sequence = 0;
  for (let c = 0; c < options.customers; c++) {
    const place = weighted(random, COUNTRIES);
    const channel = weighted(random, CHANNELS);
    const habit = random.pick<Habit>(['punctual', 'punctual', 'steady', 'steady', 'steady', 'chronic', 'erratic', 'month-end-run']);
    const base = { punctual: random.int(-4, 2), steady: random.int(3, 18), chronic: random.int(20, 45), erratic: random.int(0, 25), 'month-end-run': random.int(0, 10) }[habit];
    const spread = { punctual: 1.5, steady: 4, chronic: 9, erratic: 18, 'month-end-run': 3 }[habit] * (0.6 + random.next() * 0.8);
    const terms = random.pick([14, 30, 30, 30, 45, 60]);
    const perMonth = Math.exp(Math.log(0.6) + random.next() * Math.log(12));
    const typicalMinor = Math.round(Math.exp(Math.log(20_000) + random.next() * Math.log(500)));
    const disputeRate = random.chance(0.3) ? random.next() * 0.12 : 0.005;
    // drift: days per month, from a day chosen in the period
    const drifts = random.chance(0.18);
    const drift = drifts ? (random.chance(0.7) ? 1 : -1) * (1 + random.next() * 4) : 0;
    const driftFrom = start + random.int(0, Math.max(1, end - start));
    const defaultsOn = random.chance(0.03) ? start + random.int(120, Math.max(121, end - start)) : null;
    const joins = random.chance(0.25) ? start + random.int(0, Math.max(1, end - start - 60)) : start;
    const customerId = `C${String(c + 1).padStart(4, '0')}`;
    for (let day = joins + random.next() * (30 / perMonth); day < end; day += -Math.log(1 - random.next()) * (30 / perMonth)) {
      const issue = Math.floor(day);
      const due = issue + terms;
      const amountMinor = Math.max(100, Math.round(typicalMinor * Math.exp(random.normal() * 0.5) * (random.chance(0.05) ? 3 + random.next() * 5 : 1)));
      const disputed = random.chance(disputeRate);
      const dueMonth = new Date(due * 86_400_000).getUTCMonth();
      let lateness = base + place.shift + channel.shift + spread * random.normal();
      if (habit === 'erratic' && random.chance(0.15)) lateness += random.int(20, 70);
      if (due > driftFrom) lateness += (drift * (due - driftFrom)) / 30;
      if (dueMonth === 7) lateness += 6; // August
      if (dueMonth === 11) lateness += 8; // December
      if (amountMinor > typicalMinor * 2.5) lateness += 4 + random.next() * 10;
      if (disputed) lateness += 20 + random.next() * 50;
      let paid: number | null = due + Math.round(Math.max(lateness, -terms + 1));
      if (habit === 'month-end-run') paid = endOfMonthDay(paid);
      paid = workingDay(paid);
      if (paid <= issue) paid = workingDay(issue + 1);
      if (defaultsOn !== null && paid >= defaultsOn) paid = null;
      if (disputed && random.chance(0.3)) paid = null;
      if (paid !== null && paid >= extracted) paid = null;
      sequence++;
      invoices.push({
        invoiceId: `INV-${String(sequence).padStart(6, '0')}`,
        customerId,
        country: place.country,
        issueDate: dateOfDay(issue),
        dueDate: dateOfDay(due),
        amountMinor,
        currency: place.currency,
        disputedOn: disputed ? dateOfDay(issue + random.int(3, Math.max(3, terms))) : null,
        channel: channel.channel,
        paidDate: paid === null ? null : dateOfDay(paid),
      });
    }
  }
  return invoices.sort((a, b) => (a.issueDate < b.issueDate ? -1 : a.issueDate > b.issueDate ? 1 : a.invoiceId < b.invoiceId ? -1 : 1));
}
