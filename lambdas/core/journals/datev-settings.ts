/**
 * The DATEV settings of a deployment, declared once in the settings (`lib/definitions/settings.ts`,
 * CDK context `datev`, `DATEV_JSON` in a function): the consultant and client numbers of the
 * Buchungsstapel header, the fiscal year start, the length of the G/L account numbers, the chart of
 * accounts, and which DATEV account each ledger account books to (SKR03 defaults below; the tax
 * adviser confirms them). A wrong value fails at start, naming the setting.
 */
import type { Account } from '../ledger/ledger';

export interface DatevSettings {
  /** Beraternummer (1001 to 9999999). */
  readonly consultantNumber: number;
  /** Mandantennummer (1 to 99999). */
  readonly clientNumber: number;
  /** The month the fiscal year begins (1 = January). */
  readonly fiscalYearStartMonth: number;
  /** Sachkontenlänge: digits of a G/L account number (4 to 8). */
  readonly accountLength: number;
  /** Sachkontenrahmen of the header: `03` (SKR03) or `04` (SKR04). */
  readonly chartOfAccounts: '03' | '04';
  /** The DATEV account each ledger account books to. An account the export meets without one is a 409 naming it. */
  readonly accounts: Readonly<Partial<Record<Account, string>>>;
  /** BU-Schlüssel (tax key) per ledger account, where one applies; none by default, as the ledger books the tax on its own account. */
  readonly taxKeys: Readonly<Partial<Record<Account, string>>>;
}

/**
 * SKR03 accounts for the ledger's accounts. Receivables go to 1410 (Forderungen aus Lieferungen und
 * Leistungen ohne Kontokorrent), not to per-customer debtor accounts; revenue to 8200 (Erlöse, no
 * automatic tax), because the ledger books the output tax itself on 1776 (Umsatzsteuer 19 %).
 */
export const SKR03_ACCOUNTS: Readonly<Record<Account, string>> = {
  receivables: '1410',
  revenue: '8200',
  'tax-payable': '1776',
  cash: '1200',
  'unapplied-cash': '1590',
  'customer-credit': '1710',
  'opening-balance': '9000',
  'write-off': '2400',
  'bad-debt-expense': '2400',
  'dunning-fee-income': '2700',
  'interest-income': '2650',
  'payment-provider-fees': '4970',
  'refunds-in-transit': '1360',
};

export const defaultDatevSettings: DatevSettings = {
  consultantNumber: 1001,
  clientNumber: 1,
  fiscalYearStartMonth: 1,
  accountLength: 4,
  chartOfAccounts: '03',
  accounts: SKR03_ACCOUNTS,
  taxKeys: {},
};

/** Checks the DATEV settings (an object, or its JSON), filling in the defaults; a wrong value fails naming the setting. */
export function datevSettingsFrom(value: unknown): DatevSettings {
  if (value === undefined || value === null || value === '') return defaultDatevSettings;
  let given: unknown = value;
  if (typeof value === 'string') {
    try {
      given = JSON.parse(value);
    } catch {
      throw new Error('Setting "datev" must be a JSON object');
    }
  }
  if (typeof given !== 'object' || given === null || Array.isArray(given)) throw new Error('Setting "datev" must be an object');
  const g = given as Partial<DatevSettings>;
  const merged: DatevSettings = {
    ...defaultDatevSettings,
    ...g,
    accounts: g.accounts === undefined ? defaultDatevSettings.accounts : g.accounts,
    taxKeys: g.taxKeys ?? {},
  };
  const whole = (name: keyof DatevSettings, min: number, max: number) => {
    const n = merged[name];
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) throw new Error(`Setting "datev.${name}" must be a whole number from ${min} to ${max}`);
  };
  whole('consultantNumber', 1001, 9999999);
  whole('clientNumber', 1, 99999);
  whole('fiscalYearStartMonth', 1, 12);
  whole('accountLength', 4, 8);
  if (merged.chartOfAccounts !== '03' && merged.chartOfAccounts !== '04') throw new Error('Setting "datev.chartOfAccounts" must be "03" (SKR03) or "04" (SKR04)');
  if (typeof merged.accounts !== 'object' || merged.accounts === null) throw new Error('Setting "datev.accounts" must map ledger accounts to DATEV account numbers');
  for (const [account, number] of Object.entries(merged.accounts)) {
    if (typeof number !== 'string' || !new RegExp(`^\\d{${merged.accountLength}}$`).test(number)) {
      throw new Error(`Setting "datev.accounts.${account}" must be a DATEV G/L account of ${merged.accountLength} digits (the account length), not ${JSON.stringify(number)}`);
    }
  }
  for (const [account, key] of Object.entries(merged.taxKeys)) {
    if (typeof key !== 'string' || !/^\d{1,4}$/.test(key)) throw new Error(`Setting "datev.taxKeys.${account}" must be a BU-Schlüssel of 1 to 4 digits`);
  }
  return merged;
}
