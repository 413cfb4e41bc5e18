/**
 * Settings of one deployment (a stage), shared by the CDK stack (read from CDK context) and the
 * local runtime (read from environment variables with local defaults). Functions receive them as
 * environment variables named in {@link settingsEnvironment}.
 */

export interface SellerSettings {
  readonly name: string;
  /** Postal address, one line per element. */
  readonly address: readonly string[];
  readonly iban: string;
  readonly bic: string;
  readonly vatId: string;
}

/**
 * What finance decides for a customer a storefront registers, until finance changes it: a storefront
 * may never send these fields (see `lambdas/core/customers/customer.ts`).
 */
export interface CustomerDefaults {
  /**
   * Credit limit in whole units of the customer's currency (a whole number fits every currency).
   * "0": every order of a new customer waits in CREDIT_HOLD until finance sets a limit or decides.
   */
  readonly creditLimit: string;
  readonly paymentTermsDays: number;
  readonly dunningPolicyId: string;
}

export interface AppSettings {
  /** Stage name, part of every resource name (`dev`, `prod`, `local`). */
  readonly stage: string;
  /** IANA time zone in which calendar dates ("today", due dates) are read. */
  readonly businessTimeZone: string;
  /** Verified SES identity invoices and reminders are sent from. */
  readonly sesFromAddress: string;
  /** Prefix of the invoice number series (`INV` gives `INV-2026-000123`). */
  readonly invoiceNumberPrefix: string;
  /** Powertools log level of every function. */
  readonly logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  readonly seller: SellerSettings;
  /** Finance's terms of a customer a storefront registers (finance changes them per customer). */
  readonly customerDefaults: CustomerDefaults;
  /** How many days a customer's pay link is good for (default 90). */
  readonly payLinkTtlDays?: number;
}

export const defaultSettings: AppSettings = {
  stage: 'dev',
  businessTimeZone: 'Europe/Berlin',
  sesFromAddress: 'billing@example.com',
  invoiceNumberPrefix: 'INV',
  logLevel: 'INFO',
  seller: {
    name: 'Example Trading GmbH',
    address: ['Musterstrasse 1', '10115 Berlin', 'Germany'],
    iban: 'DE89370400440532013000',
    bic: 'COBADEFFXXX',
    vatId: 'DE123456789',
  },
  customerDefaults: { creditLimit: '0', paymentTermsDays: 30, dunningPolicyId: 'default' },
};

/**
 * The environment variable holding the secret that signs pagination cursors (at least 32
 * characters). Not a setting: the stack generates it (a Secrets Manager secret) and gives it to
 * the functions that return cursors; the local runtime keeps one in its data folder.
 */
export const CURSOR_SECRET_ENV = 'CURSOR_SECRET';

/**
 * The environment variable holding the secret that signs customers' pay links (at least 32
 * characters): like the cursor secret, a Secrets Manager secret on AWS, kept in the data folder locally.
 */
export const PAY_LINK_SECRET_ENV = 'PAY_LINK_SECRET';
/** The customer portal's address (the CloudFront distribution on AWS, the gateway's `/portal/` locally). */
export const PORTAL_URL_ENV = 'PORTAL_URL';
/** How many days a pay link is good for (default 90). */
export const PAY_LINK_TTL_DAYS_ENV = 'PAY_LINK_TTL_DAYS';
/** The payment provider's (Stripe's) secret API key and webhook signing secret (Secrets Manager on AWS). */
export const STRIPE_SECRET_KEY_ENV = 'STRIPE_SECRET_KEY';
export const STRIPE_WEBHOOK_SECRET_ENV = 'STRIPE_WEBHOOK_SECRET';
/** Where the Stripe SDK sends its calls: absent on AWS (api.stripe.com), the local payment provider locally. */
export const STRIPE_API_URL_ENV = 'STRIPE_API_URL';

/** The environment variables every function gets from the settings. */
export function settingsEnvironment(settings: AppSettings): Record<string, string> {
  return {
    STAGE: settings.stage,
    BUSINESS_TIME_ZONE: settings.businessTimeZone,
    SES_FROM_ADDRESS: settings.sesFromAddress,
    INVOICE_NUMBER_PREFIX: settings.invoiceNumberPrefix,
    SELLER_JSON: JSON.stringify(settings.seller),
    CUSTOMER_DEFAULTS_JSON: JSON.stringify(settings.customerDefaults),
    POWERTOOLS_SERVICE_NAME: 'order-to-cash',
    POWERTOOLS_LOG_LEVEL: settings.logLevel,
    ...(settings.payLinkTtlDays !== undefined ? { [PAY_LINK_TTL_DAYS_ENV]: String(settings.payLinkTtlDays) } : {}),
  };
}

/** Reads settings from CDK context values (or any key/value source), filling in the defaults. */
export function settingsFrom(get: (key: string) => unknown): AppSettings {
  const text = (key: string, fallback: string): string => {
    const value = get(key);
    if (value === undefined || value === null || value === '') return fallback;
    if (typeof value !== 'string') throw new Error(`Setting "${key}" must be a string`);
    return value;
  };
  const level = text('logLevel', defaultSettings.logLevel);
  if (!['DEBUG', 'INFO', 'WARN', 'ERROR'].includes(level)) throw new Error(`Setting "logLevel" must be DEBUG, INFO, WARN or ERROR, not ${level}`);
  const seller = get('seller');
  return {
    customerDefaults: customerDefaultsFrom(get('customerDefaults')),
    stage: text('stage', defaultSettings.stage),
    businessTimeZone: text('businessTimeZone', defaultSettings.businessTimeZone),
    sesFromAddress: text('sesFromAddress', defaultSettings.sesFromAddress),
    invoiceNumberPrefix: text('invoiceNumberPrefix', defaultSettings.invoiceNumberPrefix),
    logLevel: level as AppSettings['logLevel'],
    seller: seller && typeof seller === 'object' ? { ...defaultSettings.seller, ...(seller as Partial<SellerSettings>) } : defaultSettings.seller,
    ...payLinkTtlFrom(get('payLinkTtlDays')),
  };
}

/**
 * Checks customer defaults (CDK context `customerDefaults`, or `CUSTOMER_DEFAULTS_JSON` in a
 * function), filling in what is not given: a wrong value fails naming the field.
 */
export function customerDefaultsFrom(value: unknown): CustomerDefaults {
  if (value === undefined || value === null || value === '') return defaultSettings.customerDefaults;
  let given: unknown = value;
  if (typeof value === 'string') {
    try {
      given = JSON.parse(value);
    } catch {
      throw new Error('Setting "customerDefaults" must be a JSON object');
    }
  }
  if (typeof given !== 'object' || given === null || Array.isArray(given)) throw new Error('Setting "customerDefaults" must be an object');
  const merged = { ...defaultSettings.customerDefaults, ...(given as Partial<CustomerDefaults>) };
  if (typeof merged.creditLimit !== 'string' || !/^\d{1,15}$/.test(merged.creditLimit)) {
    throw new Error('Setting "customerDefaults.creditLimit" must be a whole number of currency units as a string, such as "0" or "5000"');
  }
  if (!Number.isInteger(merged.paymentTermsDays) || merged.paymentTermsDays < 0 || merged.paymentTermsDays > 365) {
    throw new Error('Setting "customerDefaults.paymentTermsDays" must be a whole number of days from 0 to 365');
  }
  if (typeof merged.dunningPolicyId !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/.test(merged.dunningPolicyId)) {
    throw new Error('Setting "customerDefaults.dunningPolicyId" must be a policy id (1-64 letters, digits, ".", "_", ":" or "-")');
  }
  return { creditLimit: merged.creditLimit, paymentTermsDays: merged.paymentTermsDays, dunningPolicyId: merged.dunningPolicyId };
}

/** The `payLinkTtlDays` setting: a whole number of days from 1 to 366 (absent: the default, 90). */
function payLinkTtlFrom(value: unknown): { payLinkTtlDays?: number } {
  if (value === undefined || value === null || value === '') return {};
  const days = typeof value === 'string' ? Number(value) : value;
  if (typeof days !== 'number' || !Number.isInteger(days) || days < 1 || days > 366) throw new Error('Setting "payLinkTtlDays" must be a whole number of days from 1 to 366');
  return { payLinkTtlDays: days };
}
