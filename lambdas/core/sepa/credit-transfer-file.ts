/**
 * The SEPA credit transfer file, `pain.001.001.09`, with which refunds of on-account credit leave:
 * one payment information block per execution date, each transfer with its end-to-end id, the
 * customer's account and name, and a remittance text naming the refund. EPC rules the schema does
 * not enforce are checked by {@link creditTransferFileProblems} before writing.
 */
import { create } from 'xmlbuilder2';
import { bicProblem, ibanProblem } from './accounts';
import { EPC_LENGTHS, epcIdentifierProblem } from './charset';
import { controlSum, sepaAmount } from './control-sum';
import { isTarget2BusinessDay } from './target2-calendar';
import { SepaFileError } from './direct-debit-file';
import { account, agent, groupHeader, party, unstructuredRemittance } from './xml-parts';

export const PAIN_001_NAMESPACE = 'urn:iso:std:iso:20022:tech:xsd:pain.001.001.09';

export interface CreditTransfer {
  readonly refundId: string;
  readonly endToEndId: string;
  readonly amountMinor: number;
  readonly currency: string;
  readonly creditorName: string;
  readonly creditorIban: string;
  readonly creditorBic: string | null;
  readonly remittance: string;
}

export interface CreditTransferFile {
  readonly messageId: string;
  readonly createdAt: string;
  readonly executionDate: string;
  readonly debtor: { readonly name: string; readonly iban: string; readonly bic: string | null };
  readonly transfers: readonly CreditTransfer[];
}

export function creditTransferFileProblems(file: CreditTransferFile): string[] {
  const problems: string[] = [];
  const id = (where: string, value: string) => {
    const p = epcIdentifierProblem(value, EPC_LENGTHS.identifier);
    if (p) problems.push(`${where} ${p}`);
  };
  id('MsgId', file.messageId);
  const debtorIban = ibanProblem(file.debtor.iban);
  if (debtorIban) problems.push(`debtor IBAN ${debtorIban}`);
  if (file.debtor.bic && bicProblem(file.debtor.bic)) problems.push('debtor BIC is not a BIC');
  if (!isTarget2BusinessDay(file.executionDate)) problems.push(`execution date ${file.executionDate} is not a TARGET2 business day`);
  if (file.transfers.length === 0) problems.push('the file has no transfer');
  const seen = new Set<string>();
  for (const t of file.transfers) {
    const where = `EndToEndId ${t.endToEndId}`;
    id(`${where}:`, t.endToEndId);
    if (seen.has(t.endToEndId)) problems.push(`${where}: end-to-end id used twice`);
    seen.add(t.endToEndId);
    if (t.currency !== 'EUR') problems.push(`${where}: SEPA transfers only EUR, not ${t.currency}`);
    if (!Number.isSafeInteger(t.amountMinor) || t.amountMinor < 1 || t.amountMinor > 99_999_999_999) problems.push(`${where}: amount must be from 0.01 to 999999999.99`);
    const iban = ibanProblem(t.creditorIban);
    if (iban) problems.push(`${where}: creditor IBAN ${iban}`);
    if (t.creditorBic && bicProblem(t.creditorBic)) problems.push(`${where}: creditor BIC is not a BIC`);
  }
  return problems;
}

export function writeCreditTransferFile(file: CreditTransferFile): string {
  const problems = creditTransferFileProblems(file);
  if (problems.length > 0) throw new SepaFileError(problems);
  const sum = controlSum(file.transfers.map((t) => t.amountMinor));
  const doc = create({ version: '1.0', encoding: 'UTF-8' }).ele(PAIN_001_NAMESPACE, 'Document');
  const root = doc.ele('CstmrCdtTrfInitn');
  groupHeader(root, { messageId: file.messageId, createdAt: file.createdAt, total: sum, initiatingParty: file.debtor.name });
  const block = root.ele('PmtInf');
  block.ele('PmtInfId').txt(`${file.messageId}-1`.slice(-35));
  block.ele('PmtMtd').txt('TRF');
  block.ele('BtchBookg').txt('true');
  block.ele('NbOfTxs').txt(String(sum.numberOfTransactions));
  block.ele('CtrlSum').txt(sepaAmount(sum.sumMinor));
  block.ele('PmtTpInf').ele('SvcLvl').ele('Cd').txt('SEPA');
  block.ele('ReqdExctnDt').ele('Dt').txt(file.executionDate);
  party(block, 'Dbtr', file.debtor.name);
  account(block, 'DbtrAcct', file.debtor.iban);
  agent(block, 'DbtrAgt', file.debtor.bic);
  block.ele('ChrgBr').txt('SLEV');
  for (const t of file.transfers) {
    const tx = block.ele('CdtTrfTxInf');
    tx.ele('PmtId').ele('EndToEndId').txt(t.endToEndId);
    tx.ele('Amt').ele('InstdAmt', { Ccy: 'EUR' }).txt(sepaAmount(t.amountMinor));
    if (t.creditorBic) tx.ele('CdtrAgt').ele('FinInstnId').ele('BICFI').txt(t.creditorBic);
    party(tx, 'Cdtr', t.creditorName);
    account(tx, 'CdtrAcct', t.creditorIban);
    unstructuredRemittance(tx, t.remittance);
  }
  return doc.end({ prettyPrint: true });
}
