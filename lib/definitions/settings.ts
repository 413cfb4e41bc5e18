/**
 * Settings of one deployment (a stage), shared by the CDK stack (read from CDK context) and the
 * local runtime (read from environment variables with local defaults). Functions receive them as
 * environment variables named in {@link settingsEnvironment}.
 */
import { electronicFormatIBAN, isValidBIC, isValidIBAN } from 'ibantools';

/** A structured postal address (EN 16931 BG-5): lines, city, postcode, subdivision, ISO 3166 country. */
export interface SellerPostalAddress {
  readonly lines: readonly string[];
  readonly city: string;
  readonly postcode: string;
  readonly subdivision?: string;
  readonly country: string;
}
import { creditorIdentifierProblem, normalizeCreditorIdentifier } from '../../lambdas/core/sepa/creditor-identifier';
import { datevSettingsFrom, defaultDatevSettings, type DatevSettings } from '../../lambdas/core/journals/datev-settings';

export interface SellerSettings {
  readonly name: string;
  /** Postal address, one line per element. */
  readonly address: readonly string[];
  readonly iban: string;
  readonly bic: string;
  readonly vatId: string;
  /** Structured address for e-invoices (BG-5); `address` is its printed form. */
  readonly postalAddress?: SellerPostalAddress;
  /** Commercial register number (BT-30), e.g. `HRB 12345 B`. */
  readonly legalId?: string;
  /** Local tax number (BT-32, German Steuernummer). */
  readonly taxNumber?: string;
  /** Peppol participant id, the seller's electronic address (BT-34); absent: the contact email. */
  readonly peppolId?: string;
  /** Seller contact (BG-6): XRechnung needs name, phone and email. */
  readonly contact?: { readonly name: string; readonly phone: string; readonly email: string };
  /** SEPA creditor identifier for direct debits (checked: format and ISO 7064 check digits). */
  readonly creditorId: string;
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
  /**
   * Browser origins (`https://console.example.com`) of the finance console and the customer portal
   * that may call the deployed API (CORS); none by default.
   */
  readonly corsAllowedOrigins: readonly string[];
  /** How many days a customer's pay link is good for (default 90). */
  readonly payLinkTtlDays?: number;
  /** SEPA direct debits: the bank's lead time and the return fee passed on to the customer. */
  readonly directDebits?: DirectDebitSettings;
  /** The DATEV journal export: Berater/Mandant numbers, fiscal year, account length and the account mapping (SKR03 defaults). */
  readonly datev?: DatevSettings;
}

export interface DirectDebitSettings {
  /** TARGET2 business days the collection file must reach the bank before the collection date, per scheme (the rulebooks' minimum is 1). */
  readonly leadTimeDays: { readonly CORE: number; readonly B2B: number };
  /** The fee charged to the customer for a returned direct debit, EUR decimal (`"0.00"`: none). */
  readonly returnFee: string;
}

export const defaultDirectDebitSettings: DirectDebitSettings = { leadTimeDays: { CORE: 1, B2B: 1 }, returnFee: '0.00' };

/** Checks the direct debit settings (`DIRECT_DEBITS_JSON`), filling in the defaults; a wrong value fails naming it. */
export function directDebitSettingsFrom(value: unknown): DirectDebitSettings {
  if (value === undefined || value === null || value === '') return defaultDirectDebitSettings;
  const given = (typeof value === 'string' ? JSON.parse(value) : value) as Partial<DirectDebitSettings>;
  const merged = { ...defaultDirectDebitSettings, ...given, leadTimeDays: { ...defaultDirectDebitSettings.leadTimeDays, ...(given.leadTimeDays ?? {}) } };
  for (const scheme of ['CORE', 'B2B'] as const) {
    const days = merged.leadTimeDays[scheme];
    if (!Number.isInteger(days) || days < 1 || days > 10) throw new Error(`Setting "directDebits.leadTimeDays.${scheme}" must be a whole number of business days from 1 to 10`);
  }
  if (typeof merged.returnFee !== 'string' || !/^\d{1,6}\.\d{2}$/.test(merged.returnFee)) throw new Error('Setting "directDebits.returnFee" must be an EUR amount such as "0.00" or "3.50"');
  return merged;
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
    postalAddress: { lines: ['Musterstrasse 1'], city: 'Berlin', postcode: '10115', subdivision: 'BE', country: 'DE' },
    legalId: 'HRB 000000 B',
    taxNumber: '00/000/00000',
    contact: { name: 'Accounts Receivable', phone: '+49 30 0000000', email: 'billing@example.com' },
    // The Bundesbank's published test creditor identifier: replace with the seller's own.
    creditorId: 'DE98ZZZ09999999999',
  },
  customerDefaults: { creditLimit: '0', paymentTermsDays: 30, dunningPolicyId: 'default' },
  corsAllowedOrigins: [],
};

/** The environment variable with the CORS origins (a JSON list), read by `lambdas/shared/cors.ts`. */
export const CORS_ALLOWED_ORIGINS_ENV = 'CORS_ALLOWED_ORIGINS';

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
    DIRECT_DEBITS_JSON: JSON.stringify(settings.directDebits ?? defaultDirectDebitSettings),
    DATEV_JSON: JSON.stringify(settings.datev ?? defaultDatevSettings),
    POWERTOOLS_SERVICE_NAME: 'order-to-cash',
    POWERTOOLS_LOG_LEVEL: settings.logLevel,
    [CORS_ALLOWED_ORIGINS_ENV]: JSON.stringify(settings.corsAllowedOrigins),
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
  const seller = sellerFrom(get('seller'));
  return {
    customerDefaults: customerDefaultsFrom(get('customerDefaults')),
    directDebits: directDebitSettingsFrom(get('directDebits')),
    datev: datevSettingsFrom(get('datev')),
    stage: text('stage', defaultSettings.stage),
    businessTimeZone: text('businessTimeZone', defaultSettings.businessTimeZone),
    sesFromAddress: text('sesFromAddress', defaultSettings.sesFromAddress),
    invoiceNumberPrefix: text('invoiceNumberPrefix', defaultSettings.invoiceNumberPrefix),
    logLevel: level as AppSettings['logLevel'],
    corsAllowedOrigins: corsOriginsFrom(get('corsAllowedOrigins')),
    ...payLinkTtlFrom(get('payLinkTtlDays')),
    seller,
  };
}

/** The seller fields an e-invoice needs; each must be set, and not left at the example value. */
const SELLER_REQUIRED = ['name', 'address', 'iban', 'bic', 'vatId', 'postalAddress', 'contact'] as const;

/**
 * What is wrong with the seller data: fields missing, fields still at the example values of
 * {@link defaultSettings} (placeholders), an IBAN or BIC that is none (checked with ibantools).
 * Empty when the seller can issue legally complete invoices.
 */
export function sellerProblems(seller: SellerSettings): string[] {
  const problems: string[] = [];
  const placeholder = defaultSettings.seller as unknown as Record<string, unknown>;
  const given = seller as unknown as Record<string, unknown>;
  for (const field of SELLER_REQUIRED) {
    const value = given[field];
    if (value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0)) problems.push(`seller.${field} is missing`);
    else if (JSON.stringify(value) === JSON.stringify(placeholder[field])) problems.push(`seller.${field} is the placeholder ${JSON.stringify(value)}`);
  }
  for (const field of ['legalId', 'taxNumber'] as const) {
    if (seller[field] !== undefined && seller[field] === defaultSettings.seller[field]) problems.push(`seller.${field} is the placeholder "${seller[field]}"`);
  }
  const iban = electronicFormatIBAN(seller.iban ?? '');
  if (seller.iban && !(iban && isValidIBAN(iban))) problems.push(`seller.iban "${seller.iban}" is not a valid IBAN`);
  if (seller.bic && !isValidBIC(seller.bic)) problems.push(`seller.bic "${seller.bic}" is not a valid BIC`);
  const contact = seller.contact;
  if (contact && (!contact.name || !contact.phone || !contact.email)) problems.push('seller.contact needs name, phone and email');
  const postal = seller.postalAddress;
  if (postal && (!postal.lines?.length || !postal.city || !postal.postcode || !/^[A-Z]{2}$/.test(postal.country ?? ''))) {
    problems.push('seller.postalAddress needs lines, city, postcode and an ISO 3166 country code');
  }
  return problems;
}

/**
 * The CORS origins: a list (cdk.json) or comma-separated text (`-c corsAllowedOrigins=https://a,https://b`),
 * each a scheme, host and optional port without a path; a wrong one fails naming it.
 */
export function corsOriginsFrom(value: unknown): readonly string[] {
  if (value === undefined || value === null || value === '') return defaultSettings.corsAllowedOrigins;
  const list = typeof value === 'string' ? value.split(',').map((o) => o.trim()).filter(Boolean) : value;
  if (!Array.isArray(list)) throw new Error('Setting "corsAllowedOrigins" must be a list of origins');
  for (const origin of list) {
    if (typeof origin !== 'string' || !/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/.test(origin)) {
      throw new Error(`Setting "corsAllowedOrigins" must hold origins such as https://console.example.com (scheme, host, optional port, no path), not ${JSON.stringify(origin)}`);
    }
  }
  return list as string[];
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

/**
 * The seller (CDK context `seller`), filling in the defaults; its SEPA creditor identifier must have
 * the EPC format and check digits, or the setting fails naming it.
 */
export function sellerFrom(value: unknown): SellerSettings {
  const seller: SellerSettings = value && typeof value === 'object' ? { ...defaultSettings.seller, ...(value as Partial<SellerSettings>) } : defaultSettings.seller;
  const problem = creditorIdentifierProblem(seller.creditorId);
  if (problem) throw new Error(`Setting "seller.creditorId" ${problem}`);
  return { ...seller, creditorId: normalizeCreditorIdentifier(seller.creditorId) };
}
