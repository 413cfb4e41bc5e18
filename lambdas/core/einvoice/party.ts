/**
 * The parties of an invoice as EN 16931 needs them (BG-4 seller, BG-7 buyer): a structured postal
 * address, the VAT identifier (its format checked per country), a legal registration id, the
 * electronic address (a Peppol participant id) and the e-invoice format the buyer wants. Pure: the
 * customer module and the deployment settings both validate with these.
 */
import * as z from 'zod';
import { singleLineText } from '../validation';

/** ISO 3166-1 alpha-2, as the platform's ICU data knows it (`XK` Kosovo included, user-assigned codes not). */
const regionNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
export function isCountryCode(code: string): boolean {
  if (!/^[A-Z]{2}$/.test(code) || (/^(AA|Q[M-Z]|X[A-Z]|ZZ|EU|EZ|UN)$/.test(code) && code !== 'XK')) return false;
  return regionNames.of(code) !== undefined;
}

export const countryCode = z.string().refine(isCountryCode, { message: 'must be an ISO 3166-1 alpha-2 country code such as DE' });

export const postalAddress = z.strictObject({
  lines: z.array(singleLineText(100)).min(1, 'must contain at least one line (street and number)').max(3, 'must contain at most 3 lines'),
  city: singleLineText(100),
  postcode: singleLineText(20),
  /** ISO 3166-2 subdivision without the country (`BE` for Berlin), or the region's name. */
  subdivision: singleLineText(50).optional(),
  country: countryCode,
});
export type PostalAddress = z.infer<typeof postalAddress>;

/**
 * VAT identifier formats of the EU member states (VIES), with Northern Ireland (XI), the United
 * Kingdom, Switzerland and Norway: the country prefix (Greece: EL) and the national part.
 */
const VAT_ID_FORMATS: Record<string, RegExp> = {
  AT: /^ATU\d{8}$/,
  BE: /^BE[01]\d{9}$/,
  BG: /^BG\d{9,10}$/,
  CY: /^CY\d{8}[A-Z]$/,
  CZ: /^CZ\d{8,10}$/,
  DE: /^DE\d{9}$/,
  DK: /^DK\d{8}$/,
  EE: /^EE\d{9}$/,
  GR: /^EL\d{9}$/,
  ES: /^ES[A-Z0-9]\d{7}[A-Z0-9]$/,
  FI: /^FI\d{8}$/,
  FR: /^FR[A-HJ-NP-Z0-9]{2}\d{9}$/,
  HR: /^HR\d{11}$/,
  HU: /^HU\d{8}$/,
  IE: /^IE(\d{7}[A-W][A-I]?|\d[A-Z+*]\d{5}[A-W])$/,
  IT: /^IT\d{11}$/,
  LT: /^LT(\d{9}|\d{12})$/,
  LU: /^LU\d{8}$/,
  LV: /^LV\d{11}$/,
  MT: /^MT\d{8}$/,
  NL: /^NL\d{9}B\d{2}$/,
  PL: /^PL\d{10}$/,
  PT: /^PT\d{9}$/,
  RO: /^RO\d{2,10}$/,
  SE: /^SE\d{10}01$/,
  SI: /^SI\d{8}$/,
  SK: /^SK\d{10}$/,
  XI: /^XI(\d{9}|\d{12}|GD\d{3}|HA\d{3})$/,
  GB: /^GB(\d{9}|\d{12}|GD\d{3}|HA\d{3})$/,
  CH: /^CHE\d{9}(MWST|TVA|IVA)?$/,
  NO: /^NO\d{9}(MVA)?$/,
};

/** EU member states (ISO codes; Greece is GR here, EL in VAT ids). */
export const EU_COUNTRIES = ['AT', 'BE', 'BG', 'CY', 'CZ', 'DE', 'DK', 'EE', 'GR', 'ES', 'FI', 'FR', 'HR', 'HU', 'IE', 'IT', 'LT', 'LU', 'LV', 'MT', 'NL', 'PL', 'PT', 'RO', 'SE', 'SI', 'SK'] as const;

export function isEuCountry(country: string): boolean {
  return (EU_COUNTRIES as readonly string[]).includes(country);
}

/** The country a VAT id belongs to, from its prefix (`EL` is Greece). */
export function vatIdCountry(vatId: string): string {
  const prefix = vatId.slice(0, 2).toUpperCase();
  return prefix === 'EL' ? 'GR' : prefix === 'CH' && vatId.startsWith('CHE') ? 'CH' : prefix;
}

/** A VAT id without spaces, dots and dashes, upper case. */
export function normalizeVatId(vatId: string): string {
  return vatId.replace(/[\s.-]/g, '').toUpperCase();
}

/** Why `vatId` is not a VAT identifier (of `country`, when given), or null when it is one. */
export function vatIdProblem(vatId: string, country?: string): string | null {
  const id = normalizeVatId(vatId);
  const of = vatIdCountry(id);
  const format = VAT_ID_FORMATS[of];
  if (!format) return `must start with a known country prefix (such as DE, FR, ATU, EL, XI, GB, CHE, NO), not "${id.slice(0, 2)}"`;
  if (!format.test(id)) return `is not a VAT identifier of ${of}: expected the format ${format.source.replace(/^\^|\$$/g, '')}`;
  if (country !== undefined && country !== of && !(country === 'GB' && of === 'XI')) return `is a VAT identifier of ${of}, but the address is in ${country}`;
  return null;
}

export const vatId = z.string().max(20, 'must be at most 20 characters').superRefine((value, ctx) => {
  const problem = vatIdProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/**
 * A Peppol participant id: the ISO 6523 / EAS scheme code and the identifier (`0088:4035811991014`,
 * `9930:DE123456789`, `0204:04011000-12345-03`); an `iso6523-actorid-upis::` prefix is accepted.
 */
export const peppolId = z
  .string()
  .transform((v) => v.replace(/^iso6523-actorid-upis::/i, ''))
  .pipe(z.string().regex(/^\d{4}:[A-Za-z0-9][A-Za-z0-9.:_\-+/]{0,99}$/, { message: 'must be a Peppol participant id "scheme:identifier" such as 0088:4035811991014 or 9930:DE123456789' }));

/** Splits `0088:4035811991014` into the scheme (EAS code) and the identifier. */
export function splitPeppolId(id: string): { scheme: string; identifier: string } {
  const at = id.indexOf(':');
  return { scheme: id.slice(0, at), identifier: id.slice(at + 1) };
}

/** The formats a buyer may ask its invoices in; `pdf` is the plain document (still a ZUGFeRD hybrid). */
export const EINVOICE_PREFERENCES = ['pdf', 'xrechnung-ubl', 'xrechnung-cii', 'zugferd', 'peppol-bis'] as const;
export type EinvoicePreference = (typeof EINVOICE_PREFERENCES)[number];

/**
 * A Leitweg-ID (German public buyers, XRechnung BT-10): coarse address, optional fine address, and
 * two check digits (ISO 7064 MOD 97-10 over the rest, letters as 10..35).
 */
export function isLeitwegId(value: string): boolean {
  const match = /^(\d{2,12})(?:-([A-Za-z0-9]{1,30}))?-(\d{2})$/.exec(value);
  if (!match) return false;
  const body = `${match[1]}${match[2] ?? ''}`.toUpperCase();
  const digits = [...`${body}${match[3]}`].map((c) => (/\d/.test(c) ? c : String(c.charCodeAt(0) - 55))).join('');
  let remainder = 0;
  for (const d of digits) remainder = (remainder * 10 + Number(d)) % 97;
  return remainder === 1;
}
