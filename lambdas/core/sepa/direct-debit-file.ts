/**
 * The SEPA direct debit collection file, `pain.008.001.08` (ISO 20022, the version of the EPC's
 * current implementation guidelines): one group header, one payment information block per
 * scheme, sequence type and collection date, each with its number of transactions and control
 * sum, and per invoice one transaction with its mandate and the invoice's RF reference as
 * structured remittance information.
 *
 * The schema leaves optional what the EPC requires, so {@link directDebitFileProblems} checks those
 * rules before anything is written: the creditor identifier's format and check digits, EUR only,
 * every mandate id and signature date present, identifiers in the EPC set and lengths, unique
 * end-to-end ids, one sequence type per block, collection dates on TARGET2 business days, and the
 * control sums. {@link writeDirectDebitFile} refuses a file with problems.
 */
import { create } from 'xmlbuilder2';
import { bicProblem, ibanProblem } from './accounts';
import { EPC_LENGTHS, epcIdentifierProblem } from './charset';
import { controlSum, sepaAmount, type ControlSum } from './control-sum';
import { creditorIdentifierProblem } from './creditor-identifier';
import { isTarget2BusinessDay } from './target2-calendar';
import type { MandateScheme, SequenceType } from './mandate';
import { isValidRfReference } from '../references/rf-creditor-reference';
import { account, agent, groupHeader, party, rfRemittance } from './xml-parts';

export const PAIN_008_NAMESPACE = 'urn:iso:std:iso:20022:tech:xsd:pain.008.001.08';

export interface DirectDebitTransaction {
  /** The invoice collected (kept with the file, not written into it). */
  readonly invoiceId: string;
  readonly endToEndId: string;
  readonly amountMinor: number;
  readonly currency: string;
  readonly mandateId: string;
  readonly mandateSignedOn: string;
  readonly debtorName: string;
  readonly debtorIban: string;
  readonly debtorBic: string | null;
  readonly rfReference: string;
}

export interface DirectDebitBatch {
  readonly paymentInformationId: string;
  readonly scheme: MandateScheme;
  readonly sequence: SequenceType;
  readonly collectionDate: string;
  readonly transactions: readonly DirectDebitTransaction[];
}

export interface DirectDebitFile {
  readonly messageId: string;
  /** ISO 8601 instant. */
  readonly createdAt: string;
  readonly creditor: { readonly name: string; readonly iban: string; readonly bic: string | null; readonly creditorId: string };
  readonly batches: readonly DirectDebitBatch[];
}

/**
 * The batches of a file: transactions grouped by scheme, sequence type and collection date, in
 * that order, each named `<messageId>-<n>`.
 */
export function batchesOf(messageId: string, collections: readonly (DirectDebitTransaction & { scheme: MandateScheme; sequence: SequenceType; collectionDate: string })[]): DirectDebitBatch[] {
  const groups = new Map<string, { scheme: MandateScheme; sequence: SequenceType; collectionDate: string; transactions: DirectDebitTransaction[] }>();
  for (const c of collections) {
    const key = `${c.scheme}|${c.sequence}|${c.collectionDate}`;
    const group = groups.get(key) ?? groups.set(key, { scheme: c.scheme, sequence: c.sequence, collectionDate: c.collectionDate, transactions: [] }).get(key)!;
    const { scheme: _s, sequence: _q, collectionDate: _d, ...transaction } = c;
    group.transactions.push(transaction);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, g], i) => ({ paymentInformationId: `${messageId}-${i + 1}`, ...g }));
}

/** Number of transactions and control sum of the whole file. */
export function fileControlSum(file: Pick<DirectDebitFile, 'batches'>): ControlSum {
  return controlSum(file.batches.flatMap((b) => b.transactions.map((t) => t.amountMinor)));
}

/** The EPC rules the schema does not enforce, each problem naming where it is; empty when the file may be written. */
export function directDebitFileProblems(file: DirectDebitFile): string[] {
  const problems: string[] = [];
  const id = (where: string, value: string, max: number = EPC_LENGTHS.identifier) => {
    const p = epcIdentifierProblem(value, max);
    if (p) problems.push(`${where} ${p}`);
  };
  id('MsgId', file.messageId);
  const ci = creditorIdentifierProblem(file.creditor.creditorId);
  if (ci) problems.push(`creditor identifier ${ci}`);
  const creditorIban = ibanProblem(file.creditor.iban);
  if (creditorIban) problems.push(`creditor IBAN ${creditorIban}`);
  if (file.creditor.bic && bicProblem(file.creditor.bic)) problems.push('creditor BIC is not a BIC');
  if (file.batches.length === 0) problems.push('the file has no payment information block');
  const endToEndIds = new Set<string>();
  const blockKeys = new Set<string>();
  for (const batch of file.batches) {
    const where = `PmtInf ${batch.paymentInformationId}`;
    id(`${where}: PmtInfId`, batch.paymentInformationId);
    const key = `${batch.scheme}|${batch.sequence}|${batch.collectionDate}`;
    if (blockKeys.has(key)) problems.push(`${where}: a second block for ${batch.scheme} ${batch.sequence} ${batch.collectionDate}`);
    blockKeys.add(key);
    if (!isTarget2BusinessDay(batch.collectionDate)) problems.push(`${where}: collection date ${batch.collectionDate} is not a TARGET2 business day`);
    if (batch.transactions.length === 0) problems.push(`${where}: has no transaction`);
    for (const t of batch.transactions) {
      const tx = `${where}, EndToEndId ${t.endToEndId}`;
      id(`${tx}: EndToEndId`, t.endToEndId, EPC_LENGTHS.endToEndId);
      if (endToEndIds.has(t.endToEndId)) problems.push(`${tx}: end-to-end id used twice`);
      endToEndIds.add(t.endToEndId);
      if (t.currency !== 'EUR') problems.push(`${tx}: SEPA collects only EUR, not ${t.currency}`);
      if (!Number.isSafeInteger(t.amountMinor) || t.amountMinor < 1 || t.amountMinor > 99_999_999_999) problems.push(`${tx}: amount must be from 0.01 to 999999999.99`);
      if (!t.mandateId) problems.push(`${tx}: mandate id missing`);
      else id(`${tx}: MndtId`, t.mandateId, EPC_LENGTHS.mandateId);
      if (!t.mandateSignedOn) problems.push(`${tx}: mandate signature date missing`);
      else if (t.mandateSignedOn > batch.collectionDate) problems.push(`${tx}: mandate signed after the collection date`);
      const debtorIban = ibanProblem(t.debtorIban);
      if (debtorIban) problems.push(`${tx}: debtor IBAN ${debtorIban}`);
      if (t.debtorBic && bicProblem(t.debtorBic)) problems.push(`${tx}: debtor BIC is not a BIC`);
      if (!isValidRfReference(t.rfReference)) problems.push(`${tx}: remittance reference ${t.rfReference} is not an RF creditor reference`);
    }
  }
  return problems;
}

/** A collection file that breaks an EPC rule: nothing is written. */
export class SepaFileError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`The SEPA file breaks ${problems.length} rule(s): ${problems.join('; ')}`);
    this.name = 'SepaFileError';
  }
}

/** The `pain.008.001.08` XML of the file (UTF-8), after {@link directDebitFileProblems} found nothing. */
export function writeDirectDebitFile(file: DirectDebitFile): string {
  const problems = directDebitFileProblems(file);
  if (problems.length > 0) throw new SepaFileError(problems);
  const total = fileControlSum(file);
  const doc = create({ version: '1.0', encoding: 'UTF-8' }).ele(PAIN_008_NAMESPACE, 'Document');
  const root = doc.ele('CstmrDrctDbtInitn');
  groupHeader(root, { messageId: file.messageId, createdAt: file.createdAt, total: total, initiatingParty: file.creditor.name });
  for (const batch of file.batches) {
    const sum = controlSum(batch.transactions.map((t) => t.amountMinor));
    const block = root.ele('PmtInf');
    block.ele('PmtInfId').txt(batch.paymentInformationId);
    block.ele('PmtMtd').txt('DD');
    block.ele('BtchBookg').txt('true');
    block.ele('NbOfTxs').txt(String(sum.numberOfTransactions));
    block.ele('CtrlSum').txt(sepaAmount(sum.sumMinor));
    const type = block.ele('PmtTpInf');
    type.ele('SvcLvl').ele('Cd').txt('SEPA');
    type.ele('LclInstrm').ele('Cd').txt(batch.scheme);
    type.ele('SeqTp').txt(batch.sequence);
    block.ele('ReqdColltnDt').txt(batch.collectionDate);
    party(block, 'Cdtr', file.creditor.name);
    account(block, 'CdtrAcct', file.creditor.iban);
    agent(block, 'CdtrAgt', file.creditor.bic);
    block.ele('ChrgBr').txt('SLEV');
    const other = block.ele('CdtrSchmeId').ele('Id').ele('PrvtId').ele('Othr');
    other.ele('Id').txt(file.creditor.creditorId);
    other.ele('SchmeNm').ele('Prtry').txt('SEPA');
    for (const t of batch.transactions) {
      const tx = block.ele('DrctDbtTxInf');
      tx.ele('PmtId').ele('EndToEndId').txt(t.endToEndId);
      tx.ele('InstdAmt', { Ccy: 'EUR' }).txt(sepaAmount(t.amountMinor));
      const mandate = tx.ele('DrctDbtTx').ele('MndtRltdInf');
      mandate.ele('MndtId').txt(t.mandateId);
      mandate.ele('DtOfSgntr').txt(t.mandateSignedOn);
      agent(tx, 'DbtrAgt', t.debtorBic);
      party(tx, 'Dbtr', t.debtorName);
      account(tx, 'DbtrAcct', t.debtorIban);
      rfRemittance(tx, t.rfReference);
    }
  }
  return doc.end({ prettyPrint: true });
}
