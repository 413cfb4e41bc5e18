/**
 * VAT categories (EN 16931 code list UNCL5305 subset) and the VAT breakdown of a document.
 *
 * - `S` standard rate (rate above 0), `Z` zero rated (rate 0), `E` exempt, `AE` reverse charge,
 *   `K` intra-community supply, `G` export outside the EU, `O` outside the scope of VAT; `E`, `AE`,
 *   `K`, `G` and `O` carry rate 0 (`O` none at all) and an exemption reason (text or VATEX code).
 * - Totals (EN 16931 BR-CO-17): per category and rate, the sum of the line nets, the VAT on that
 *   sum rounded once, half up, to the currency's minor unit; then the document's totals.
 */
import { lineTax, normalizeRate, rateBasisPoints, TaxRateError } from './tax';
import type { FieldProblem } from '../errors';
import { isEuCountry } from '../einvoice/party';

export const VAT_CATEGORIES = ['S', 'Z', 'E', 'AE', 'K', 'G', 'O'] as const;
export type VatCategory = (typeof VAT_CATEGORIES)[number];

/** The VATEX code a category implies when the order names none (the category has only one). */
export const DEFAULT_EXEMPTION: Partial<Record<VatCategory, { code: string; reason: string }>> = {
  AE: { code: 'VATEX-EU-AE', reason: 'Reverse charge' },
  K: { code: 'VATEX-EU-IC', reason: 'Intra-community supply' },
  G: { code: 'VATEX-EU-G', reason: 'Export outside the EU' },
  O: { code: 'VATEX-EU-O', reason: 'Not subject to VAT' },
};

/** The VAT facts of a line (an order line, an invoice line). */
export interface LineVat {
  readonly vatCategory: VatCategory;
  /** Decimal percent; `"0"` for every category but `S`. */
  readonly taxRatePercent: string;
  readonly exemptionReason: string | null;
  readonly exemptionCode: string | null;
}

export interface LineVatRequest {
  readonly vatCategory?: string | undefined;
  readonly taxRate?: string | undefined;
  readonly exemptionReason?: string | undefined;
  readonly exemptionCode?: string | undefined;
}

/** What the rules about categories need to know of the parties. */
export interface VatParties {
  readonly sellerVatId: string | null;
  readonly buyerVatId: string | null;
  readonly buyerCountry: string | null;
}

/**
 * The line's VAT facts from the request, or the problems naming the fields (`${field}.vatCategory`,
 * ...). A request without a category: `S` with a rate above 0, `Z` at rate 0, and no VAT facts at
 * all (null) without a rate (an old client's line without tax).
 */
export function lineVatFrom(field: string, request: LineVatRequest, parties: VatParties): { vat: LineVat | null; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  let rate: string | null = null;
  if (request.taxRate !== undefined) {
    try {
      rateBasisPoints(request.taxRate);
      rate = normalizeRate(request.taxRate);
    } catch (error) {
      if (!(error instanceof TaxRateError)) throw error;
      problems.push({ field: `${field}.taxRate`, problem: 'must be a decimal percent from 0 to 100 such as "19" or "7.5"' });
      return { vat: null, problems };
    }
  }
  if (request.vatCategory === undefined) {
    if (request.exemptionReason !== undefined || request.exemptionCode !== undefined) {
      problems.push({ field: `${field}.vatCategory`, problem: 'is required with an exemption reason or code (E, AE, K, G or O)' });
    }
    if (rate === null) return { vat: null, problems };
    return { vat: { vatCategory: rate === '0' ? 'Z' : 'S', taxRatePercent: rate, exemptionReason: null, exemptionCode: null }, problems };
  }
  const category = request.vatCategory as VatCategory;
  if (!(VAT_CATEGORIES as readonly string[]).includes(category)) {
    problems.push({ field: `${field}.vatCategory`, problem: `must be one of ${VAT_CATEGORIES.join(', ')}` });
    return { vat: null, problems };
  }
  const reasonField = `${field}.exemptionReason`;
  if (category === 'S') {
    if (rate === null || rate === '0') problems.push({ field: `${field}.taxRate`, problem: 'must be above 0 for category S (standard rate); use Z for a zero rate' });
  } else if (rate !== null && rate !== '0') {
    problems.push({ field: `${field}.taxRate`, problem: `must be 0 (or left out) for category ${category}` });
  }
  if (category === 'S' || category === 'Z') {
    if (request.exemptionReason !== undefined) problems.push({ field: reasonField, problem: `must not be given for category ${category}: it is not exempt` });
    if (request.exemptionCode !== undefined) problems.push({ field: `${field}.exemptionCode`, problem: `must not be given for category ${category}: it is not exempt` });
  }
  if (request.exemptionCode !== undefined && !/^VATEX-[A-Z]{2}(-[A-Z0-9]+)+$/i.test(request.exemptionCode)) {
    problems.push({ field: `${field}.exemptionCode`, problem: 'must be a VATEX code such as VATEX-EU-132-1I or VATEX-EU-AE' });
  }
  if (category === 'E' && request.exemptionReason === undefined && request.exemptionCode === undefined) {
    problems.push({ field: reasonField, problem: 'is required for category E (exempt): the reason text or an exemptionCode (VATEX)' });
  }
  if ((category === 'AE' || category === 'K') && (!parties.sellerVatId || !parties.buyerVatId)) {
    const missing = [!parties.sellerVatId ? "the seller's" : null, !parties.buyerVatId ? "the customer's (PUT /customers vatId)" : null].filter(Boolean).join(' and ');
    problems.push({ field: `${field}.vatCategory`, problem: `${category} (${category === 'AE' ? 'reverse charge' : 'intra-community supply'}) needs both VAT identifiers; missing ${missing}` });
  }
  if (category === 'K' && parties.buyerCountry !== null && !isEuCountry(parties.buyerCountry)) {
    problems.push({ field: `${field}.vatCategory`, problem: `K (intra-community supply) needs a customer in another EU member state, not ${parties.buyerCountry}` });
  }
  if (category === 'G' && !parties.sellerVatId) problems.push({ field: `${field}.vatCategory`, problem: "G (export) needs the seller's VAT identifier" });
  const fallback = DEFAULT_EXEMPTION[category];
  return {
    vat: {
      vatCategory: category,
      taxRatePercent: category === 'S' ? (rate ?? '0') : '0',
      exemptionReason: request.exemptionReason ?? (request.exemptionCode === undefined ? (fallback?.reason ?? null) : null),
      exemptionCode: request.exemptionCode?.toUpperCase() ?? fallback?.code ?? null,
    },
    problems,
  };
}

/** Checks across the lines of one document: `O` (outside scope) never stands beside another category (BR-O-11..14). */
export function documentVatProblems(categories: readonly (VatCategory | null)[]): FieldProblem[] {
  const present = new Set(categories.filter((c): c is VatCategory => c !== null));
  if (present.has('O') && present.size > 1) {
    return [{ field: 'lines', problem: 'a line of category O (outside the scope of VAT) cannot be on one invoice with lines of other categories; place separate orders' }];
  }
  return [];
}

/** One row of the VAT breakdown (EN 16931 BG-23). */
export interface VatBreakdownRow {
  readonly vatCategory: VatCategory;
  readonly ratePercent: string;
  /** BT-116: the sum of the line nets of this category and rate. */
  readonly netMinor: number;
  /** BT-117: VAT on the net, rounded once. */
  readonly taxMinor: number;
  readonly exemptionReason: string | null;
  readonly exemptionCode: string | null;
}

const CATEGORY_ORDER: readonly VatCategory[] = VAT_CATEGORIES;

/**
 * The VAT breakdown of lines (BR-CO-17): grouped by category and rate, the nets summed and the VAT
 * on the sum rounded once. Lines without VAT facts are in no row.
 */
export function vatBreakdown(lines: readonly { readonly netMinor: number; readonly vat: LineVat | null }[]): VatBreakdownRow[] {
  const rows = new Map<string, { vat: LineVat; netMinor: number }>();
  for (const line of lines) {
    if (line.vat === null) continue;
    const key = `${line.vat.vatCategory}|${line.vat.taxRatePercent}`;
    const row = rows.get(key) ?? { vat: line.vat, netMinor: 0 };
    row.netMinor += line.netMinor;
    rows.set(key, row);
  }
  return [...rows.values()]
    .sort((a, b) => CATEGORY_ORDER.indexOf(a.vat.vatCategory) - CATEGORY_ORDER.indexOf(b.vat.vatCategory) || rateBasisPoints(a.vat.taxRatePercent) - rateBasisPoints(b.vat.taxRatePercent))
    .map(({ vat, netMinor }) => ({
      vatCategory: vat.vatCategory,
      ratePercent: vat.taxRatePercent,
      netMinor,
      taxMinor: vat.vatCategory === 'S' ? lineTax(netMinor, vat.taxRatePercent) : 0,
      exemptionReason: vat.exemptionReason,
      exemptionCode: vat.exemptionCode,
    }));
}
