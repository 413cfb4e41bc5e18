/**
 * The parts the two SEPA files share, written with `xmlbuilder2`: accounts, agents (BIC, or
 * `NOTPROVIDED` where the EPC allows the IBAN alone) and the RF reference as structured
 * remittance information. Text goes through {@link toEpcText}; the builder escapes what remains.
 */
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces';
import { EPC_LENGTHS, toEpcText } from './charset';
import { sepaAmount, type ControlSum } from './control-sum';

export function party(parent: XMLBuilder, element: string, name: string): void {
  parent.ele(element).ele('Nm').txt(toEpcText(name, EPC_LENGTHS.name));
}

export function account(parent: XMLBuilder, element: string, iban: string): void {
  parent.ele(element).ele('Id').ele('IBAN').txt(iban);
}

export function agent(parent: XMLBuilder, element: string, bic: string | null): void {
  const id = parent.ele(element).ele('FinInstnId');
  if (bic) id.ele('BICFI').txt(bic);
  else id.ele('Othr').ele('Id').txt('NOTPROVIDED');
}

/** `RmtInf/Strd/CdtrRefInf` with type SCOR issued by ISO: how an RF reference travels. */
export function rfRemittance(parent: XMLBuilder, rfReference: string): void {
  const ref = parent.ele('RmtInf').ele('Strd').ele('CdtrRefInf');
  const tp = ref.ele('Tp');
  tp.ele('CdOrPrtry').ele('Cd').txt('SCOR');
  tp.ele('Issr').txt('ISO');
  ref.ele('Ref').txt(rfReference);
}

export function unstructuredRemittance(parent: XMLBuilder, text: string): void {
  parent.ele('RmtInf').ele('Ustrd').txt(toEpcText(text, EPC_LENGTHS.remittanceUnstructured));
}

/** The group header both files open with: message id, creation instant (whole seconds), count, control sum, initiating party. */
export function groupHeader(root: XMLBuilder, header: { readonly messageId: string; readonly createdAt: string; readonly total: ControlSum; readonly initiatingParty: string }): void {
  const grp = root.ele('GrpHdr');
  grp.ele('MsgId').txt(header.messageId);
  grp.ele('CreDtTm').txt(header.createdAt.replace(/\.\d{3}Z$/, 'Z'));
  grp.ele('NbOfTxs').txt(String(header.total.numberOfTransactions));
  grp.ele('CtrlSum').txt(sepaAmount(header.total.sumMinor));
  party(grp, 'InitgPty', header.initiatingParty);
}
