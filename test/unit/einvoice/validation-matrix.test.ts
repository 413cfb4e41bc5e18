/**
 * Every e-invoice format of every matrix case, checked against the official artefacts: UBL 2.1 /
 * CII D16B schemas (xmllint), CEN EN 16931 rules, XRechnung 3.0.2 rules, Peppol BIS Billing 3.0
 * rules (Saxon-HE). Zero fatal findings. The validators must also catch a broken document, so the
 * test can fail.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { EINVOICE_FORMATS } from '../../../lambdas/core/einvoice/model';
import { einvoiceXml } from '../../../lambdas/core/einvoice/einvoice';
import { matrixCases } from '../../support/einvoice-cases';
import { validateDocuments, validatorVersions, type Document, type DocumentReport } from '../../support/einvoice-validators';

const log = (line: string) => console.log(`[einvoice validation] ${line}`);

describe('e-invoice validation matrix', () => {
  const cases = matrixCases();
  const documents: Document[] = cases.flatMap((c) => EINVOICE_FORMATS.map((format) => ({ name: `${c.name}.${format}`, format, xml: einvoiceXml(c.source, format) })));
  // The negative controls: a payable amount that does not add up (BR-CO-16 in every rule set),
  // an XRechnung without the seller's contact phone (BR-DE-6), a Peppol document with a
  // profile the network does not know (PEPPOL-EN16931-R007), an element the UBL schema forbids.
  const broken: Document[] = [
    { name: 'broken.ubl', format: 'ubl', xml: documents[0]!.xml.replace(/<cbc:PayableAmount currencyID="EUR">[^<]*</, '<cbc:PayableAmount currencyID="EUR">1.00<') },
    { name: 'broken.xrechnung-cii', format: 'xrechnung-cii', xml: documents[3]!.xml.replace(/<ram:TelephoneUniversalCommunication>[\s\S]*?<\/ram:TelephoneUniversalCommunication>/, '') },
    { name: 'broken.peppol-bis', format: 'peppol-bis', xml: documents[4]!.xml.replace('urn:fdc:peppol.eu:2017:poacc:billing:01:1.0', 'urn:example:unknown-profile') },
    { name: 'broken-schema.ubl', format: 'ubl', xml: documents[0]!.xml.replace('<cbc:IssueDate>', '<cbc:Unknown>x</cbc:Unknown><cbc:IssueDate>') },
  ];
  let reports: DocumentReport[] = [];
  let seconds = 0;

  beforeAll(async () => {
    const versions = await validatorVersions();
    log(`${versions.saxon}; ${versions.xmllint}`);
    log(`${cases.length} cases x ${EINVOICE_FORMATS.length} formats = ${documents.length} documents, plus ${broken.length} broken controls`);
    const started = Date.now();
    reports = await validateDocuments([...documents, ...broken], log);
    seconds = (Date.now() - started) / 1000;
    log(`validated ${reports.length} documents in ${seconds.toFixed(1)} s`);
  }, 600_000);

  it.each(cases.map((c) => c.name))('%s: every format passes schema and business rules without a fatal finding', (name) => {
    const mine = reports.filter((r) => r.name.startsWith(`${name}.`));
    expect(mine.map((r) => r.format).sort()).toEqual([...EINVOICE_FORMATS].sort());
    for (const report of mine) {
      expect({ document: report.name, fatal: report.fatal.map((f) => `${f.ruleSet} ${f.id}: ${f.text} @ ${f.location}`) }).toEqual({ document: report.name, fatal: [] });
    }
  });

  it('catches broken documents: the validators can fail', () => {
    const fatalIds = (name: string) => reports.find((r) => r.name === name)!.fatal.map((f) => f.id);
    expect(fatalIds('broken.ubl')).toContain('BR-CO-16');
    expect(fatalIds('broken.xrechnung-cii')).toContain('BR-DE-6');
    expect(fatalIds('broken.peppol-bis')).toContain('PEPPOL-EN16931-R007');
    expect(fatalIds('broken-schema.ubl')).toContain('XSD');
  });
});
