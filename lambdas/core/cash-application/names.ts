/**
 * Company and person names as payers write them, compared with the names in master data. Pure
 * string functions (no I/O): a normaliser that removes what does not tell two names apart (case,
 * punctuation, accents and transliteration, legal forms in any spelling, common abbreviations,
 * word order) and a token-set similarity between two normalised names.
 *
 * This is for matching only. The identity of a statement line keeps using `normalizePayerName`
 * (`payer.ts`), whose output must never change once lines are recorded under it.
 */
import anyAscii from 'any-ascii';
import { distance } from 'fastest-levenshtein';

/** A name ready for comparison: its distinctive words (upper-case ASCII, canonical spelling) and its legal form, if any. */
export interface NormalizedName {
  readonly tokens: readonly string[];
  /** Canonical legal form (`GMBH`, `LTD`, `SA`, ...) when the name carries one. */
  readonly legalForm: string | null;
}

/**
 * Legal forms, as the set of words that spell them (order ignored, so `Haftung mit beschränkter
 * Gesellschaft` after a bank reordered the words is still a GmbH) -> canonical form. Longer
 * spellings are tried first. Words are in the folded form {@link normalizeName} produces
 * (`BESCHRANKTER`: the umlaut and its `ae` transliteration fold alike).
 */
const LEGAL_FORM_SPELLINGS: readonly (readonly [string, string])[] = [
  ['GESELLSCHAFT MIT BESCHRANKTER HAFTUNG', 'GMBH'],
  ['GES MIT BESCHR HAFTUNG', 'GMBH'],
  ['GES MBH', 'GMBH'],
  ['GES M B H', 'GMBH'],
  ['G M B H', 'GMBH'],
  ['GMBH CO KG', 'GMBHCOKG'],
  ['UNTERNEHMERGESELLSCHAFT HAFTUNGSBESCHRANKT', 'UG'],
  ['AKTIENGESELLSCHAFT', 'AG'],
  ['KOMMANDITGESELLSCHAFT', 'KG'],
  ['OFFENE HANDELSGESELLSCHAFT', 'OHG'],
  ['EINGETRAGENER KAUFMANN', 'EK'],
  ['EINGETRAGENE GENOSSENSCHAFT', 'EG'],
  ['PUBLIC LIMITED COMPANY', 'PLC'],
  ['LIMITED LIABILITY COMPANY', 'LLC'],
  ['LIMITED LIABILITY PARTNERSHIP', 'LLP'],
  ['PRIVATE LIMITED', 'LTD'],
  ['LIMITED', 'LTD'],
  ['INCORPORATED', 'INC'],
  ['CORPORATION', 'CORP'],
  ['SOCIETE PAR ACTIONS SIMPLIFIEE', 'SAS'],
  ['SOCIETE A RESPONSABILITE LIMITEE', 'SARL'],
  ['SOCIETE ANONYME', 'SA'],
  ['SOCIEDAD ANONIMA', 'SA'],
  ['SOCIEDADE ANONIMA', 'SA'],
  ['SOCIEDAD DE RESPONSABILIDAD LIMITADA', 'SL'],
  ['SOCIETA PER AZIONI', 'SPA'],
  ['SOCIETA A RESPONSABILITA LIMITATA', 'SRL'],
  ['BESLOTEN VENNOOTSCHAP', 'BV'],
  ['NAAMLOZE VENNOOTSCHAP', 'NV'],
  ['AKTIEBOLAG', 'AB'],
  ['AKTIESELSKAB', 'AS'],
  ['ALLMENNAKSJESELSKAP', 'ASA'],
  ['AKSJESELSKAP', 'AS'],
  ['OSAKEYHTIO', 'OY'],
  ['JULKINEN OSAKEYHTIO', 'OYJ'],
  ['SPOLKA Z OGRANICZONA ODPOWIEDZIALNOSCIA', 'SPZOO'],
  ['SP Z O O', 'SPZOO'],
  ['SPOLKA JAWNA', 'SPJ'],
  ['SPOLKA KOMANDYTOWA', 'SPK'],
  ['SPOLECNOST S RUCENIM OMEZENYM', 'SRO'],
  ['SPOLOCNOST S RUCENIM OBMEDZENYM', 'SRO'],
  ['AKCIOVA SPOLECNOST', 'AS'],
  ['AKCIOVA SPOLOCNOST', 'AS'],
  ['KORLATOLT FELELOSSEGU TARSASAG', 'KFT'],
  ['ZARTKORUEN MUKODO RESZVENYTARSASAG', 'ZRT'],
  ['NYILVANOSAN MUKODO RESZVENYTARSASAG', 'NYRT'],
  ['DRUSTVO S OGRANICENOM ODGOVORNOSCU', 'DOO'],
  ['DRUZBA Z OMEJENO ODGOVORNOSTJO', 'DOO'],
  ['SOCIETATE CU RASPUNDERE LIMITATA', 'SRL'],
  ['A S', 'AS'],
  ['S A', 'SA'],
  ['B V', 'BV'],
  ['N V', 'NV'],
  ['S R L', 'SRL'],
  ['SPOLKA AKCYJNA', 'SA'],
  ['EUROPAISCHE GESELLSCHAFT', 'SE'],
  ['SOCIETAS EUROPAEA', 'SE'],
];

/** One-word legal forms (after abbreviations are expanded and dots removed: `S.A.` is `SA`). */
const LEGAL_FORM_WORDS = new Set([
  'AB', 'AG', 'AS', 'ASA', 'BV', 'CORP', 'EG', 'EK', 'EV', 'GBR', 'GMBH', 'GMBHCOKG', 'INC', 'KG', 'KGAA', 'LLC', 'LLP', 'LTD',
  'NV', 'OHG', 'OY', 'OYJ', 'PLC', 'SA', 'SARL', 'SAS', 'SE', 'SL', 'SPA', 'SPZOO', 'SRL', 'UG', 'CO', 'COMPANY', 'KFT', 'SRO', 'AD',
  'ZRT', 'NYRT', 'DOO', 'SPJ', 'SPK',
]);

/** Words that join names and never distinguish them. */
const FILLER_WORDS = new Set(['THE', 'AND', 'UND', 'ET', 'Y', 'E', 'OG', 'OCH', 'EN', 'EL', 'LA', 'LE', 'DER', 'DIE', 'DAS']);

/**
 * Common abbreviations in company names -> the word they stand for (canonical spelling, before the
 * plural is dropped). Payers, banks and truncating fields write these either way.
 */
export const NAME_ABBREVIATIONS: Readonly<Record<string, string>> = {
  INTL: 'INTERNATIONAL',
  INTERNATL: 'INTERNATIONAL',
  INTERNAT: 'INTERNATIONAL',
  BROS: 'BROTHERS',
  BRO: 'BROTHERS',
  GEBR: 'GEBRUDER',
  SVCS: 'SERVICES',
  SVC: 'SERVICES',
  SERV: 'SERVICES',
  SRVCS: 'SERVICES',
  MFG: 'MANUFACTURING',
  MANUF: 'MANUFACTURING',
  INDS: 'INDUSTRIES',
  IND: 'INDUSTRIES',
  INDUS: 'INDUSTRIES',
  TECH: 'TECHNOLOGY',
  TECHNOLOGIES: 'TECHNOLOGY',
  SYS: 'SYSTEMS',
  SYST: 'SYSTEMS',
  DIST: 'DISTRIBUTION',
  DISTR: 'DISTRIBUTION',
  ASSOC: 'ASSOCIATES',
  ASSN: 'ASSOCIATION',
  GRP: 'GROUP',
  HLDG: 'HOLDING',
  HLDGS: 'HOLDING',
  HOLDINGS: 'HOLDING',
  MGMT: 'MANAGEMENT',
  MGT: 'MANAGEMENT',
  NATL: 'NATIONAL',
  CTR: 'CENTER',
  CNTR: 'CENTER',
  CENTRE: 'CENTER',
  TRDG: 'TRADING',
  TRAD: 'TRADING',
  LOGIST: 'LOGISTICS',
  ELEC: 'ELECTRIC',
  ELECT: 'ELECTRIC',
  EQUIP: 'EQUIPMENT',
  ENG: 'ENGINEERING',
  ENGG: 'ENGINEERING',
  PHARM: 'PHARMA',
  PHARMACEUTICALS: 'PHARMA',
  PHARMACEUTICAL: 'PHARMA',
  PROD: 'PRODUCTS',
  PRODS: 'PRODUCTS',
  SOLNS: 'SOLUTIONS',
  SOL: 'SOLUTIONS',
  PTNRS: 'PARTNERS',
  PTNR: 'PARTNERS',
  DEPT: 'DEPARTMENT',
  MKT: 'MARKET',
  MKTG: 'MARKETING',
  TRANSP: 'TRANSPORT',
  WHSL: 'WHOLESALE',
  WHOLESALERS: 'WHOLESALE',
  INTERIOR: 'INTERIORS',
  HANDELSGES: 'HANDELSGESELLSCHAFT',
  VERTR: 'VERTRIEB',
  VERW: 'VERWALTUNG',
  ST: 'SAINT',
  STE: 'SAINTE',
  MT: 'MOUNT',
  SR: 'SENIOR',
  JR: 'JUNIOR',
  AMP: 'AND',
};

const LEGAL_SPELLING_TOKENS = LEGAL_FORM_SPELLINGS.map(([spelling, form]) => [spelling.split(' ').map(foldWord), form] as const).sort(
  (a, b) => b[0].length - a[0].length,
);

/** Every word of the spellings of two or more words: a name with none of them has none of those spellings. */
const MULTI_WORD_SPELLING_WORDS = new Set(LEGAL_SPELLING_TOKENS.filter(([spelling]) => spelling.length > 1).flatMap(([spelling]) => spelling));

/** The form of each one-word spelling: the first in {@link LEGAL_SPELLING_TOKENS} order. */
const ONE_WORD_SPELLINGS = new Map<string, string>();
for (const [spelling, form] of LEGAL_SPELLING_TOKENS) if (spelling.length === 1 && !ONE_WORD_SPELLINGS.has(spelling[0]!)) ONE_WORD_SPELLINGS.set(spelling[0]!, form);

/**
 * Folds a word so German transliteration and umlauts compare equal (`MUELLER`, `MÜLLER` via
 * any-ascii `MULLER`): `AE`, `OE`, `UE` become `A`, `O`, `U`; `SZ` after any-ascii is already `SS`.
 */
function foldWord(word: string): string {
  if (!word.includes('E')) return word; // AE, OE and UE all need one: most words have none
  return word.replace(/AE/g, 'A').replace(/OE/g, 'O').replace(/UE/g, 'U');
}

/** The canonical form of one word: abbreviations expanded, folded, plural `S` dropped from longer words. */
function canonicalWord(word: string): string {
  const expanded = NAME_ABBREVIATIONS[word] ?? word;
  const folded = foldWord(expanded);
  return folded.length > 4 && folded.endsWith('S') && !folded.endsWith('SS') ? folded.slice(0, -1) : folded;
}

/**
 * Normalises a payer or customer name for {@link nameSimilarity}: transliterated to ASCII (any
 * script any-ascii knows: `Müller` `Muller`, `Łódź` `Lodz`, `Москва` `Moskva`), upper case, dotted
 * initials joined (`S.A.S.` `SAS`), other punctuation a word break, legal forms in any spelling
 * recognised and set apart, filler words dropped, abbreviations expanded. Word order is kept
 * (callers compare as sets).
 */
export function normalizeName(name: string): NormalizedName {
  let text = anyAscii(name).toUpperCase();
  // Dotted initials and legal forms written with dots: S.A., S.A.S., G.m.b.H., e.K., N.V.
  // Polish and Czech short forms written with dots and spaces: Sp. z o.o., spółka z o.o., Sp. j.,
  // Sp. k., spol. s r.o., s. r. o.
  text = text.replace(/\bSP(?:OLKA)?\.?\s*Z\s*O\.?\s*O\b\.?/g, ' SPZOO ');
  text = text.replace(/\bSP\.\s*([JK])\b\.?/g, (_, kind: string) => ` SP${kind} `);
  text = text.replace(/\b(?:SPOL\.?\s*)?S\.?\s*R\.?\s*O\b\.?/g, ' SRO ');
  text = text.replace(/\b(?:[A-Z]\.\s?)+[A-Z]\b\.?/g, (m) => ` ${m.replace(/[.\s]/g, '')} `);
  text = text.replace(/['\u2019`]/g, '').replace(/&/g, ' AND ').replace(/\+/g, ' AND ');
  const raw = (text.match(/[0-9A-Z]+/g) ?? []).map((w) => foldWord(w));
  let words = raw.slice();
  let legalForm: string | null = null;
  const mayHaveSpelling = words.some((w) => MULTI_WORD_SPELLING_WORDS.has(w));
  for (const [spelling, form] of mayHaveSpelling ? LEGAL_SPELLING_TOKENS : []) {
    if (spelling.length === 1) continue;
    if (spelling.every((w) => words.includes(w))) {
      const remaining = words.slice();
      for (const w of spelling) remaining.splice(remaining.indexOf(w), 1);
      words = remaining;
      legalForm ??= form;
    }
  }
  const tokens: string[] = [];
  for (const word of words) {
    const form = ONE_WORD_SPELLINGS.get(word) ?? (LEGAL_FORM_WORDS.has(word) ? word : null);
    if (form !== null) {
      legalForm ??= form === 'COMPANY' ? 'CO' : form;
      continue;
    }
    const canonical = canonicalWord(word);
    if (FILLER_WORDS.has(canonical) || FILLER_WORDS.has(word)) continue;
    tokens.push(canonical);
  }
  return { tokens, legalForm };
}

/** Levenshtein distance (fastest-levenshtein), with two neighbouring letters swapped counted as one edit. */
function editDistance(a: string, b: string): number {
  if (a.length === b.length) {
    let first = -1;
    let differences = 0;
    for (let i = 0; i < a.length && differences <= 2; i++) {
      if (a[i] !== b[i]) {
        if (first < 0) first = i;
        differences++;
      }
    }
    if (differences === 2 && a[first] === b[first + 1] && a[first + 1] === b[first]) return 1;
  }
  return distance(a, b);
}

/** How alike two canonical words are, 0..1: equal 1; one a prefix (4+ letters) of the other 0.9; else by edit distance. */
function wordSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  const digits = /\d/;
  if (digits.test(a) || digits.test(b)) return 0; // numbers in names (branch 2, 1860) must agree exactly
  const shorter = a.length <= b.length ? a : b;
  const longer = shorter === a ? b : a;
  if (shorter.length >= 4 && longer.startsWith(shorter)) return 0.9;
  if (shorter.length < 4) return 0; // short words: equal or different (AB, BAU, KFZ)
  const similarity = 1 - editDistance(a, b) / longer.length;
  return similarity >= 0.75 ? similarity : 0;
}

/**
 * Similarity of two normalised names, 0..1, independent of word order: words are paired best
 * first (each word once), and the paired words' lengths weighted by how alike they are are set
 * against the lengths of all words of both names (a Dice coefficient over words). Two words joined in
 * one name and apart in the other (`SOFTWAREHAUS`, `SOFTWARE HAUS`) count as one. A name
 * without distinctive words is similar to nothing; numbers in the names must agree (else at most 0.5);
 * two different legal forms cost 0.15.
 */
export function nameSimilarity(a: NormalizedName, b: NormalizedName): number {
  if (a.tokens.length === 0 || b.tokens.length === 0) return 0;
  let score = tokenSetDice(a.tokens, b.tokens);
  if (score < 1 && a.tokens.length !== b.tokens.length) {
    // One name writes as one word what the other writes as two.
    score = Math.max(score, tokenSetDice(joinAsIn(a.tokens, b.tokens), joinAsIn(b.tokens, a.tokens)));
  }
  // Numbers tell branches and entities apart (`Stadtwerke 2`, `Sport 1860`): they must agree.
  if (hasNumber(a.tokens) || hasNumber(b.tokens)) {
    const numbersA = a.tokens.filter((t) => /\d/.test(t)).sort().join(' ');
    const numbersB = b.tokens.filter((t) => /\d/.test(t)).sort().join(' ');
    if (numbersA !== numbersB) score = Math.min(score, 0.5);
  }
  // Two different legal forms may be two companies of one family (Müller Bau GmbH, Müller Bau AG).
  if (a.legalForm && b.legalForm && a.legalForm !== b.legalForm) score -= 0.15;
  return Math.round(Math.max(0, Math.min(1, score)) * 1000) / 1000;
}

/**
 * `tokens` with two neighbouring words joined where the other name writes them as one word
 * (`SOFTWARE HAUS` against `SOFTWAREHAUS`).
 */
function joinAsIn(tokens: readonly string[], other: readonly string[]): readonly string[] {
  if (tokens.length <= other.length) return tokens;
  const joined: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const next = tokens[i + 1];
    if (next !== undefined && other.includes(canonicalWord(tokens[i]! + next))) {
      joined.push(canonicalWord(tokens[i]! + next));
      i++;
    } else joined.push(tokens[i]!);
  }
  return joined;
}

/** Word pairs compared before: names repeat their words across customers and payers. */
const wordPairs = new Map<string, Map<string, number>>();
let wordPairCount = 0;

/** {@link wordSimilarity}, remembered by the two words (the lesser first; no key string is built per pair). */
function cachedWordSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  let first = a;
  let second = b;
  if (b < a) {
    first = b;
    second = a;
  }
  let withFirst = wordPairs.get(first);
  let similarity = withFirst?.get(second);
  if (similarity === undefined) {
    similarity = wordSimilarity(a, b);
    if (wordPairCount >= 100_000) {
      wordPairs.clear();
      wordPairCount = 0;
      withFirst = undefined;
    }
    if (withFirst === undefined) wordPairs.set(first, (withFirst = new Map()));
    withFirst.set(second, similarity);
    wordPairCount++;
  }
  return similarity;
}

/** True when a token has a digit (as `/\d/`). */
function hasNumber(tokens: readonly string[]): boolean {
  for (const token of tokens) {
    for (let i = 0; i < token.length; i++) {
      const code = token.charCodeAt(i);
      if (code >= 48 && code <= 57) return true;
    }
  }
  return false;
}

/** Word-pair similarities of the two names compared last (row by row), reused: names have few words. */
let pairScores = new Float64Array(64);

/**
 * Pairs each word of `a` with at most one of `b`, most similar pairs first (ties: lower index in
 * `a`, then in `b`), and weighs each pair's similarity by the pair's letters. Picking the best
 * remaining pair each time is the same as going down the pairs sorted that way and skipping used
 * words; done in place, without a list of pairs.
 */
function tokenSetDice(a: readonly string[], b: readonly string[]): number {
  const la = a.length;
  const lb = b.length;
  if (pairScores.length < la * lb) pairScores = new Float64Array(la * lb * 2);
  const scores = pairScores;
  for (let i = 0; i < la; i++) {
    for (let j = 0; j < lb; j++) scores[i * lb + j] = cachedWordSimilarity(a[i]!, b[j]!);
  }
  let matched = 0;
  for (;;) {
    let best = 0;
    let bestI = -1;
    let bestJ = -1;
    for (let i = 0; i < la; i++) {
      for (let j = 0; j < lb; j++) {
        const s = scores[i * lb + j]!;
        if (s > best) {
          best = s;
          bestI = i;
          bestJ = j;
        }
      }
    }
    if (bestI < 0) break;
    matched += best * (a[bestI]!.length + b[bestJ]!.length);
    // The two words are used: no other pair with either counts.
    for (let j = 0; j < lb; j++) scores[bestI * lb + j] = 0;
    for (let i = 0; i < la; i++) scores[i * lb + bestJ] = 0;
  }
  let total = 0;
  for (const t of a) total += t.length;
  for (const t of b) total += t.length;
  return matched / total;
}

/** {@link nameSimilarity} of two names as written. */
export function compareNames(a: string, b: string): number {
  return nameSimilarity(normalizeName(a), normalizeName(b));
}
