/**
 * Reader for ISO 20022 camt.052 (bank to customer account report, intraday), camt.053 (bank to
 * customer statement) and camt.054 (debit/credit notification), versions 001.01 to 001.13. Pure: a
 * string in, the statement model out. The rules of the format (which elements carry money, what a
 * missing element means) are in the `read*` functions over `XmlNode`, a small view of an element
 * that any parser can provide.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { decimalToMinor, fail, LineIds, textOrNull, Warnings, xmlDate, type LineDraft, type Place } from './common';
import type { AccountStatement, ParsedStatementFile, StatementFormat, StatementLine } from './statement';

const NAMESPACE = /^urn:iso:std:iso:20022:tech:xsd:camt\.(05[234])\.001\.(\d{2})$/;
/** Every published version of the three messages; their entries, balances and amounts are read alike. */
const SUPPORTED_VERSIONS = new Set(['01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12', '13']);

/** The message element and its statement element for each message type. */
const LAYOUT = {
  '052': { message: 'BkToCstmrAcctRpt', record: 'Rpt', format: 'camt.052' },
  '053': { message: 'BkToCstmrStmt', record: 'Stmt', format: 'camt.053' },
  '054': { message: 'BkToCstmrDbtCdtNtfctn', record: 'Ntfctn', format: 'camt.054' },
} as const satisfies Record<string, { message: string; record: string; format: StatementFormat }>;

/**
 * The root element's start tag when it is `Document` (with or without a prefix). Anchored at the
 * first element: an unanchored search retried from every `<` of the file, each retry scanning to
 * the next `>` (quadratic on a file of `<Document ` without one).
 */
const DOCUMENT_ROOT = /^<(?:([A-Za-z_][\w.-]*):)?Document(?=[\s>/])([^>]*)>/;

/**
 * The ISO 20022 namespace of the XML document's root `Document` element, or `null` when the
 * content has no `Document` root with a namespace. Used to recognise camt files by content.
 */
export function camtNamespace(content: string): string | null {
  const root = DOCUMENT_ROOT.exec(stripProlog(content));
  if (!root) return null;
  const prefix = root[1];
  const attributes = root[2] ?? '';
  const declaration = prefix
    ? new RegExp(`xmlns:${prefix.replace(/[.]/g, '\\.')}\\s*=\\s*["']([^"']*)["']`).exec(attributes)
    : /xmlns\s*=\s*["']([^"']*)["']/.exec(attributes);
  return declaration?.[1] ?? null;
}

/** The content from its first element on: without BOM, XML declaration, comments and doctype. */
function stripProlog(content: string): string {
  let rest = content.replace(/^\uFEFF/, '');
  for (;;) {
    const trimmed = rest.replace(/^\s+/, '');
    // A doctype may hold an internal subset in brackets (`<!DOCTYPE Document [<!ENTITY a "b">]>`).
    // Each part stops at a character the next one needs ([, ], >), so a doctype that never ends is
    // given up in linear time (`[^[>]*(?:\[...\])?[^>]*>` retried every split of the name: quadratic).
    const prolog = /^(?:<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^[>]*(?:\[[^\]]*\][^>]*)?>)/.exec(trimmed);
    if (!prolog) return trimmed;
    rest = trimmed.slice(prolog[0].length);
  }
}

/**
 * Reads a camt.052, camt.053 or camt.054 file (versions 001.01 to 001.13).
 *
 * What callers may rely on:
 * - One {@link AccountStatement} per `Rpt` (camt.052), `Stmt` (camt.053) or `Ntfctn` (camt.054),
 *   in file order. Read with a warning (`warnings`): no `Acct`, an account without id, no `Id`, a
 *   balance without `CdtDbtInd` (read as positive).
 * - Only booked entries (`Sts` `BOOK`, or no status) become lines: pending and information-only
 *   entries have not moved money yet. Entries of amount zero move no money and are left out too.
 * - An entry with one `TxDtls` (or none) is one line with the amount the bank booked (`Ntry/Amt`),
 *   even when the transaction states another amount: that is what reached the account.
 * - An entry with several `TxDtls` that all state their amount (`AmtDtls/TxAmt/Amt`, else
 *   `TxDtls/Amt`) is split into one line per transaction, each with its amount and currency; the
 *   booked total stays on `line.entry`. When some transaction has no amount, the money cannot be
 *   split: the entry stays one line carrying every transaction's texts and references.
 * - The direction is the entry's `CdtDbtInd` (a transaction's own indicator is not used: the
 *   entry is what was booked, and batch transactions share its direction).
 * - Amounts are exact minor units; extra decimals must be zeros (`8.850` EUR is 885).
 * - A file that is not well-formed, has a DOCTYPE, is not camt.052/053/054 in a supported version, or
 *   lacks a required element is rejected whole with a {@link StatementParseError} naming the XML element path (or
 *   the line, for XML syntax errors).
 */
export function readCamt(file: string, warnings: Warnings = new Warnings()): ParsedStatementFile {
  // Blank lines before the XML declaration are not XML, but harmless: skip them, keep line numbers.
  const leading = /^\uFEFF?\s*/.exec(file)?.[0] ?? '';
  const content = file.slice(leading.length);
  const syntax = XMLValidator.validate(content);
  if (syntax !== true) {
    const skippedLines = leading.split('\n').length - 1;
    fail(`not well-formed XML: ${syntax.err.msg} (column ${syntax.err.col})`, { line: syntax.err.line + skippedLines });
  }
  const doctype = /<!DOCTYPE/i.exec(content);
  if (doctype) {
    // ISO 20022 messages have none; refusing it keeps entity expansion (and its abuse) out.
    fail('a DOCTYPE declaration is not allowed in a camt file', { line: content.slice(0, doctype.index).split('\n').length + leading.split('\n').length - 1 });
  }
  const namespace = camtNamespace(content);
  const match = namespace ? NAMESPACE.exec(namespace) : null;
  if (!namespace || !match) {
    fail(
      `the root element is not a camt.052, camt.053 or camt.054 Document (namespace ${namespace ? `"${namespace}"` : 'missing'}); expected urn:iso:std:iso:20022:tech:xsd:camt.05x.001.01 to .13`,
      { path: 'Document' },
    );
  }
  const [, kind, version] = match as unknown as [string, '052' | '053' | '054', string];
  if (!SUPPORTED_VERSIONS.has(version)) {
    fail(`camt.${kind}.001.${version} is not supported; versions 001.01 to 001.13 are read`, { path: 'Document' });
  }
  const layout = LAYOUT[kind];
  const parsed = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    removeNSPrefix: true,
    isArray: (_name: string, _jpath: unknown, _isLeaf: boolean, isAttribute: boolean) => !isAttribute,
    alwaysCreateTextNode: true,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    ignoreDeclaration: true,
    ignorePiTags: true,
  }).parse(content) as Record<string, unknown>;
  const document = new XmlNode('Document', firstOf(parsed['Document']));
  // Version 001.01 names the message element with its version (`BkToCstmrStmtV01`).
  const message = document.child(layout.message) ?? document.child(`${layout.message}V01`) ?? document.required(layout.message);
  const records = message.children(layout.record);
  if (records.length === 0) {
    fail(`a camt.${kind} message needs at least one ${layout.record} element, this one has none`, {
      path: `${message.path}/${layout.record}`,
    });
  }

  const drafts = records.map((record) => readRecord(record, warnings));
  const ids = new LineIds();
  let sequence = 0;
  const statements: AccountStatement[] = drafts.map(({ statement, lines }) => ({
    ...statement,
    lines: lines.map(({ ownAccountServicerReference, entryReference, ...draft }): StatementLine => {
      sequence++;
      const candidate =
        ownAccountServicerReference ??
        draft.endToEndId ??
        (entryReference ? `${entryReference}#${draft.entry?.transaction ?? 1}` : `line-${sequence}`);
      return { ...draft, sequence, lineId: ids.assign(statement.account, candidate) };
    }),
  }));
  return { format: layout.format, version: `001.${version}`, statements, fileIdentity: identityOf(layout.format, message, records, statements), warnings: warnings.all };
}

/**
 * The file's identity (see `ParsedStatementFile.fileIdentity`): the message type, `GrpHdr/MsgId`
 * and per statement its account and `ElctrncSeqNb` (else its `Id`). Not the version, nor any
 * creation time: a re-export in another version or at another time is the same message.
 */
function identityOf(format: StatementFormat, message: XmlNode, records: readonly XmlNode[], statements: readonly AccountStatement[]): string | null {
  const messageId = message.text('GrpHdr', 'MsgId');
  if (messageId === null) return null;
  const parts = records.map((record, i) => [statements[i]?.account ?? '', record.text('ElctrncSeqNb') ?? record.text('Id') ?? '']);
  return JSON.stringify([format, messageId, ...parts.flat()]);
}

/** A line before its place in the file is known, with what its identity is made of. */
interface CamtLineDraft extends LineDraft {
  /** The transaction's own `AcctSvcrRef` (the line's `accountServicerReference` may be the entry's). */
  readonly ownAccountServicerReference: string | null;
  /** The entry's `AcctSvcrRef`, else its `NtryRef`. */
  readonly entryReference: string | null;
}

function readRecord(record: XmlNode, warnings: Warnings): { statement: Omit<AccountStatement, 'lines'>; lines: CamtLineDraft[] } {
  const account = record.child('Acct');
  const accountId = account ? (account.text('Id', 'IBAN') ?? account.text('Id', 'Othr', 'Id') ?? account.text('Id', 'PrtryAcct', 'Id') ?? account.text('Id', 'BBAN')) : null;
  if (!account) warnings.add('missing-account', 'the statement names no account (no Acct element)', { path: `${record.path}/Acct` });
  else if (accountId === null) warnings.add('missing-account', 'the account has no identification (Id/IBAN or Id/Othr/Id)', { path: `${account.path}/Id` });
  if (record.text('Id') === null) warnings.add('missing-statement-id', 'the statement has no Id', { path: `${record.path}/Id` });
  let currency = account?.text('Ccy') ?? null;
  let opening: number | null = null;
  let closing: number | null = null;
  for (const balance of record.children('Bal')) {
    // Version 001.01 writes the code at Tp/Cd, later versions at Tp/CdOrPrtry/Cd.
    const code = balance.text('Tp', 'CdOrPrtry', 'Cd') ?? balance.text('Tp', 'Cd');
    if (code !== 'OPBD' && code !== 'PRCD' && code !== 'CLBD') continue;
    const amount = readAmount(balance.required('Amt'));
    let sign = 1;
    if (balance.child('CdtDbtInd')) sign = readIndicator(balance) === 'debit' ? -1 : 1;
    else if (amount.minor !== 0) warnings.add('balance-without-indicator', `balance ${code} has no CdtDbtInd: read as a credit (positive) balance`, balance.place());
    if (code === 'CLBD') closing ??= sign * amount.minor;
    else opening ??= sign * amount.minor;
    currency ??= amount.currency;
  }
  return {
    statement: {
      statementId: record.text('Id'),
      account: accountId,
      currency,
      openingBalanceMinor: opening,
      closingBalanceMinor: closing,
    },
    lines: record.children('Ntry').flatMap((entry, index) => readEntry(entry, index + 1)),
  };
}

function readEntry(entry: XmlNode, index: number): CamtLineDraft[] {
  const status = entry.text('Sts', 'Cd') ?? entry.text('Sts');
  if (status !== null && status !== 'BOOK') return [];
  const amount = readAmount(entry.required('Amt'));
  if (amount.minor === 0) return [];
  const direction = readIndicator(entry);
  const bookingDate = readDate(entry, 'BookgDt');
  const valueDate = readDate(entry, 'ValDt');
  const entryServicerReference = entry.text('AcctSvcrRef');
  const entryReference = entryServicerReference ?? entry.text('NtryRef');
  const entryCode = transactionCode(entry.child('BkTxCd'));
  const transactions = entry.children('NtryDtls').flatMap((details) => details.children('TxDtls'));
  // A batch booking (one entry for a whole payment information block, e.g. a direct debit collection): its block id and count.
  const batchNode = entry.children('NtryDtls').map((details) => details.child('Btch')).find((node) => node !== undefined && node !== null) ?? null;
  const batchCount = batchNode?.text('NbOfTxs') ?? null;
  const batch = batchNode ? { paymentInformationId: batchNode.text('PmtInfId'), numberOfTransactions: batchCount !== null && /^\d{1,15}$/.test(batchCount) ? Number(batchCount) : null } : null;
  const base = { direction, bookingDate, valueDate, batch, reversal: entry.text('RvslInd') === 'true' };

  if (transactions.length === 0) {
    return [
      {
        ...base,
        amountMinor: amount.minor,
        currency: amount.currency,
        structuredReference: null,
        structuredReferences: [],
        endToEndId: null,
        accountServicerReference: entryServicerReference,
        customerReference: null,
        remittanceText: entry.text('AddtlNtryInf') ?? '',
        payerName: null,
        payerAccount: null,
        bankTransactionCode: entryCode,
        returnReason: null,
        entry: { index, transaction: 1, transactions: 1, amountMinor: amount.minor, currency: amount.currency },
        ownAccountServicerReference: null,
        entryReference,
      },
    ];
  }

  const details = transactions.map(readTransaction);
  const entryPosition = { index, amountMinor: amount.minor, currency: amount.currency };
  const split = details.length > 1 && details.every((detail) => detail.amount !== null);
  if (split) {
    const lines: CamtLineDraft[] = [];
    details.forEach((detail, i) => {
      const own = detail.amount!;
      if (own.minor === 0) return;
      lines.push({
        ...base,
        amountMinor: own.minor,
        currency: own.currency,
        structuredReference: detail.structuredReferences[0] ?? null,
        structuredReferences: detail.structuredReferences,
        endToEndId: detail.endToEndId,
        accountServicerReference: detail.accountServicerReference ?? entryServicerReference,
        customerReference: detail.customerReference,
        remittanceText: detail.remittanceText,
        payerName: detail.payerName,
        payerAccount: detail.payerAccount,
        bankTransactionCode: detail.bankTransactionCode ?? entryCode,
        returnReason: detail.returnReason,
        entry: { ...entryPosition, transaction: i + 1, transactions: details.length },
        ownAccountServicerReference: detail.accountServicerReference,
        entryReference,
      });
    });
    return lines;
  }

  // One transaction, or several without amounts of their own: one line with the booked amount.
  const same = <T>(pick: (detail: TransactionDetail) => T | null): T | null => {
    const values = details.map(pick);
    const first = values[0] ?? null;
    return first !== null && values.every((value) => value === first) ? first : null;
  };
  const structuredReferences = details.flatMap((detail) => detail.structuredReferences);
  const ownServicerReference = same((detail) => detail.accountServicerReference);
  return [
    {
      ...base,
      amountMinor: amount.minor,
      currency: amount.currency,
      structuredReference: structuredReferences[0] ?? null,
      structuredReferences,
      endToEndId: same((detail) => detail.endToEndId),
      accountServicerReference: ownServicerReference ?? entryServicerReference,
      customerReference: same((detail) => detail.customerReference),
      remittanceText: details
        .map((detail) => detail.remittanceText)
        .filter((text) => text !== '')
        .join(' '),
      payerName: same((detail) => detail.payerName),
      payerAccount: same((detail) => detail.payerAccount),
      bankTransactionCode: same((detail) => detail.bankTransactionCode) ?? entryCode,
      returnReason: same((detail) => detail.returnReason),
      entry: { ...entryPosition, transaction: 1, transactions: 1 },
      ownAccountServicerReference: ownServicerReference,
      entryReference,
    },
  ];
}

interface TransactionDetail {
  readonly amount: { minor: number; currency: string } | null;
  readonly endToEndId: string | null;
  readonly accountServicerReference: string | null;
  readonly customerReference: string | null;
  readonly structuredReferences: string[];
  readonly remittanceText: string;
  readonly payerName: string | null;
  readonly payerAccount: string | null;
  readonly bankTransactionCode: string | null;
  readonly returnReason: string | null;
}

function readTransaction(transaction: XmlNode): TransactionDetail {
  const amountElement = transaction.child('AmtDtls', 'TxAmt', 'Amt') ?? transaction.child('Amt');
  const refs = transaction.child('Refs');
  const endToEnd = refs?.text('EndToEndId') ?? null;
  const remittance = transaction.child('RmtInf');
  const parties = transaction.child('RltdPties');
  const debtorName =
    parties?.text('Dbtr', 'Nm') ??
    parties?.text('Dbtr', 'Pty', 'Nm') ??
    parties?.text('UltmtDbtr', 'Nm') ??
    parties?.text('UltmtDbtr', 'Pty', 'Nm') ??
    null;
  const debtorAccount = parties?.text('DbtrAcct', 'Id', 'IBAN') ?? parties?.text('DbtrAcct', 'Id', 'Othr', 'Id') ?? null;
  return {
    amount: amountElement ? readAmount(amountElement) : null,
    endToEndId: endToEnd === null || endToEnd.toUpperCase() === 'NOTPROVIDED' ? null : endToEnd,
    accountServicerReference: refs?.text('AcctSvcrRef') ?? null,
    customerReference: refs?.text('AcctOwnrTxId') ?? null,
    returnReason: transaction.text('RtrInf', 'Rsn', 'Cd'),
    structuredReferences: (remittance?.children('Strd') ?? []).flatMap((block) =>
      block.children('CdtrRefInf').flatMap((info) => {
        const reference = info.text('Ref');
        return reference === null ? [] : [reference];
      }),
    ),
    remittanceText: (remittance?.children('Ustrd') ?? [])
      .map((line) => line.text() ?? '')
      .filter((line) => line !== '')
      .join(' '),
    payerName: debtorName,
    payerAccount: debtorAccount,
    bankTransactionCode: transactionCode(transaction.child('BkTxCd')),
  };
}

/** `Domn/Cd` `/` `Fmly/Cd` `/` `Fmly/SubFmlyCd` (e.g. `PMNT/RCDT/ESCT`), else the proprietary code. */
function transactionCode(code: XmlNode | null): string | null {
  if (!code) return null;
  const domain = code.text('Domn', 'Cd');
  if (domain) {
    return [domain, code.text('Domn', 'Fmly', 'Cd'), code.text('Domn', 'Fmly', 'SubFmlyCd')]
      .filter((part): part is string => part !== null)
      .join('/');
  }
  return code.text('Prtry', 'Cd');
}

function readAmount(amount: XmlNode): { minor: number; currency: string } {
  const currency = amount.attribute('Ccy');
  if (!currency) fail('the amount has no Ccy attribute', amount.place());
  const text = amount.text();
  if (text === null) fail('the amount is empty', amount.place());
  // xs:decimal also allows a leading "+" and a fraction without its whole part (".5").
  const decimal = text.replace(/^\+/, '').replace(/^\./, '0.');
  return { minor: decimalToMinor(decimal, currency, amount.place()), currency };
}

function readIndicator(element: XmlNode): 'credit' | 'debit' {
  const indicator = element.required('CdtDbtInd');
  const value = indicator.text();
  if (value === 'CRDT') return 'credit';
  if (value === 'DBIT') return 'debit';
  return fail(`CdtDbtInd is "${value ?? ''}", expected CRDT or DBIT`, indicator.place());
}

function readDate(entry: XmlNode, name: 'BookgDt' | 'ValDt'): string | null {
  const element = entry.child(name);
  if (!element) return null;
  const holder = element.child('Dt') ?? element.child('DtTm');
  if (!holder) return null;
  const text = holder.text() ?? '';
  const date = xmlDate(text);
  if (date === null) fail(`"${text}" is not a date`, holder.place());
  return date;
}

/** One XML element of the parsed tree, with the path that names it in error messages. */
class XmlNode {
  constructor(
    readonly path: string,
    private readonly value: unknown,
  ) {}

  place(): Place {
    return { path: this.path };
  }

  children(name: string): XmlNode[] {
    const list = isRecord(this.value) ? this.value[name] : undefined;
    if (!Array.isArray(list)) return [];
    return list.map((item, i) => new XmlNode(`${this.path}/${name}${list.length > 1 ? `[${i + 1}]` : ''}`, item));
  }

  /** The first element down the given names, or `null`. */
  child(...names: string[]): XmlNode | null {
    let node: XmlNode | null = this;
    for (const name of names) {
      node = node.children(name)[0] ?? null;
      if (!node) return null;
    }
    return node;
  }

  required(name: string): XmlNode {
    const node = this.child(name);
    if (!node) fail(`required element ${name} is missing`, { path: `${this.path}/${name}` });
    return node;
  }

  /** Trimmed text of the element down the given names (or of this one), `null` when absent or blank. */
  text(...names: string[]): string | null {
    const node = names.length ? this.child(...names) : this;
    if (!node) return null;
    const value = node.value;
    if (typeof value === 'string') return textOrNull(value);
    if (isRecord(value) && typeof value['#text'] === 'string') return textOrNull(value['#text']);
    return null;
  }

  attribute(name: string): string | null {
    return isRecord(this.value) && typeof this.value[`@_${name}`] === 'string' ? textOrNull(this.value[`@_${name}`] as string) : null;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function firstOf(value: unknown): unknown {
  return Array.isArray(value) ? value[0] : value;
}
