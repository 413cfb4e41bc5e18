/**
 * Runs the official e-invoice validation artefacts (copied into `test/fixtures/validation`, see its
 * README) over XML documents: the XML Schemas with xmllint (Debian libxml2-utils), and the
 * business rules (compiled Schematron XSLT producing SVRL) with Saxon-HE from Debian
 * (libsaxonhe-java): the CEN EN 16931 rules for every document, the KoSIT XRechnung rules for the
 * XRechnung formats, the OpenPEPPOL BIS Billing 3.0 rules for `peppol-bis` (Schematron compiled to
 * XSLT with SchXslt once, cached). One process per schema or stylesheet for the whole batch: the
 * JVM starts a handful of times, not once per document. Both are installed by
 * `local-aws/system-deps.sh`.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { XMLParser } from 'fast-xml-parser';
import type { EinvoiceFormat } from '../../lambdas/core/einvoice/model';

const run = promisify(execFile);
export const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/validation');
export const SAXON_JAR = process.env.SAXON_HE_JAR ?? '/usr/share/java/Saxon-HE.jar';

const ruleSets = {
  'cen-ubl': path.join(FIXTURES, 'en16931/ubl/EN16931-UBL-validation.xslt'),
  'cen-cii': path.join(FIXTURES, 'en16931/cii/EN16931-CII-validation.xslt'),
  'xrechnung-ubl': path.join(FIXTURES, 'xrechnung/XRechnung-UBL-validation.xsl'),
  'xrechnung-cii': path.join(FIXTURES, 'xrechnung/XRechnung-CII-validation.xsl'),
  peppol: path.join(FIXTURES, 'peppol-bis/PEPPOL-EN16931-UBL.sch'),
} as const;
export type RuleSet = keyof typeof ruleSets;

/** The rule sets a format is checked against (the CEN rules always; the CIUS's own on top). */
export function ruleSetsFor(format: EinvoiceFormat): RuleSet[] {
  switch (format) {
    case 'ubl':
      return ['cen-ubl'];
    case 'cii':
      return ['cen-cii'];
    case 'xrechnung-ubl':
      return ['cen-ubl', 'xrechnung-ubl'];
    case 'xrechnung-cii':
      return ['cen-cii', 'xrechnung-cii'];
    case 'peppol-bis':
      return ['cen-ubl', 'peppol'];
  }
}

export interface Finding {
  readonly ruleSet: RuleSet | 'xsd';
  readonly id: string;
  readonly flag: string;
  readonly text: string;
  readonly location: string;
}

export interface DocumentReport {
  readonly name: string;
  readonly format: EinvoiceFormat;
  readonly fatal: readonly Finding[];
  readonly warnings: readonly Finding[];
}

export interface Document {
  /** File-name safe, unique in the batch. */
  readonly name: string;
  readonly format: EinvoiceFormat;
  readonly xml: string;
}

function schemaFor(doc: Document): string {
  if (doc.format === 'cii' || doc.format === 'xrechnung-cii') return path.join(FIXTURES, 'en16931/cii/schema/CrossIndustryInvoice_100pD16B.xsd');
  return path.join(FIXTURES, /<CreditNote[\s>]/.test(doc.xml) ? 'ubl-2.1/maindoc/UBL-CreditNote-2.1.xsd' : 'ubl-2.1/maindoc/UBL-Invoice-2.1.xsd');
}

/** The versions of the tools, for the report. */
export async function validatorVersions(): Promise<{ saxon: string; xmllint: string }> {
  const saxon = await run('java', ['-cp', SAXON_JAR, 'net.sf.saxon.Version']).then((r) => `${r.stdout}${r.stderr}`.trim().split('\n')[0] ?? '');
  const xmllint = await run('xmllint', ['--version']).then((r) => `${r.stdout}${r.stderr}`.trim().split('\n')[0] ?? '');
  return { saxon, xmllint };
}

/** The stylesheet of a rule set: compiled XSLT as shipped, or (Peppol) the Schematron compiled once with SchXslt into a cache. */
async function stylesheet(ruleSet: RuleSet, log: (line: string) => void): Promise<string> {
  const source = ruleSets[ruleSet];
  if (!source.endsWith('.sch')) return source;
  const hash = createHash('sha256').update(fs.readFileSync(source)).update(fs.readFileSync(path.join(FIXTURES, 'schxslt/pipeline-for-svrl.xsl'))).digest('hex').slice(0, 16);
  const cacheDir = path.resolve(import.meta.dirname, '../../node_modules/.cache/einvoice-validation');
  const compiled = path.join(cacheDir, `${path.basename(source, '.sch')}-${hash}.xsl`);
  if (fs.existsSync(compiled)) return compiled;
  fs.mkdirSync(cacheDir, { recursive: true });
  log(`compiling ${path.basename(source)} with SchXslt (once, cached in ${path.relative(process.cwd(), cacheDir)})`);
  const tmp = `${compiled}.${process.pid}.tmp`;
  await run('java', ['-cp', SAXON_JAR, 'net.sf.saxon.Transform', `-xsl:${path.join(FIXTURES, 'schxslt/pipeline-for-svrl.xsl')}`, `-s:${source}`, `-o:${tmp}`], { maxBuffer: 64 << 20 });
  fs.renameSync(tmp, compiled);
  return compiled;
}

const svrlParser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', removeNSPrefix: true, isArray: (name) => name === 'failed-assert' || name === 'successful-report' });

function findingsOf(svrl: string, ruleSet: RuleSet): Finding[] {
  const report = svrlParser.parse(svrl) as { 'schematron-output'?: Record<string, unknown> };
  const output = report['schematron-output'] ?? {};
  const asserts = (output['failed-assert'] as Record<string, unknown>[] | undefined) ?? [];
  return asserts.map((a) => ({
    ruleSet,
    id: String(a.id ?? ''),
    flag: String(a.flag ?? 'fatal'),
    text: typeof a.text === 'string' ? a.text.trim() : JSON.stringify(a.text),
    location: String(a.location ?? ''),
  }));
}

/**
 * Validates every document against its schema and the rule sets of its format. Returns one report
 * per document: fatal findings (schema errors and failed assertions of flag fatal) and warnings.
 */
export async function validateDocuments(docs: readonly Document[], log: (line: string) => void = () => {}): Promise<DocumentReport[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'einvoice-validation-'));
  try {
    const files = new Map<string, string>();
    for (const doc of docs) {
      const file = path.join(dir, 'in', `${doc.name}.xml`);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, doc.xml);
      files.set(doc.name, file);
    }
    const fatal = new Map<string, Finding[]>(docs.map((d) => [d.name, []]));
    const warnings = new Map<string, Finding[]>(docs.map((d) => [d.name, []]));

    // XML Schema: one xmllint run per schema.
    const bySchema = new Map<string, Document[]>();
    for (const doc of docs) bySchema.set(schemaFor(doc), [...(bySchema.get(schemaFor(doc)) ?? []), doc]);
    for (const [schema, group] of bySchema) {
      log(`xmllint --schema ${path.basename(schema)}: ${group.length} documents`);
      const result = await run('xmllint', ['--noout', '--schema', schema, ...group.map((d) => files.get(d.name)!)], { maxBuffer: 64 << 20 }).then(
        (r) => r.stderr,
        (e: { stderr?: string }) => e.stderr ?? String(e),
      );
      for (const line of result.split('\n')) {
        const doc = group.find((d) => line.startsWith(files.get(d.name)!) && !line.endsWith(' validates'));
        if (doc && line.trim() !== '') fatal.get(doc.name)!.push({ ruleSet: 'xsd', id: 'XSD', flag: 'fatal', text: line.slice(files.get(doc.name)!.length), location: '' });
      }
    }

    // Business rules: one Saxon run per stylesheet over a folder of the documents it applies to.
    const rulesUsed = [...new Set(docs.flatMap((d) => ruleSetsFor(d.format)))];
    for (const ruleSet of rulesUsed) {
      const group = docs.filter((d) => ruleSetsFor(d.format).includes(ruleSet));
      const inDir = path.join(dir, ruleSet, 'in');
      const outDir = path.join(dir, ruleSet, 'out');
      fs.mkdirSync(inDir, { recursive: true });
      fs.mkdirSync(outDir, { recursive: true });
      for (const doc of group) fs.copyFileSync(files.get(doc.name)!, path.join(inDir, `${doc.name}.xml`));
      const xsl = await stylesheet(ruleSet, log);
      const started = Date.now();
      await run('java', ['-cp', SAXON_JAR, 'net.sf.saxon.Transform', `-xsl:${xsl}`, `-s:${inDir}`, `-o:${outDir}`], { maxBuffer: 64 << 20 });
      log(`${ruleSet}: ${group.length} documents in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      for (const doc of group) {
        const svrl = fs.readFileSync(path.join(outDir, `${doc.name}.xml`), 'utf8');
        if (!svrl.includes('schematron-output')) throw new Error(`${ruleSet} gave no SVRL report for ${doc.name}`);
        for (const finding of findingsOf(svrl, ruleSet)) (finding.flag === 'fatal' || finding.flag === 'error' ? fatal : warnings).get(doc.name)!.push(finding);
      }
    }
    return docs.map((d) => ({ name: d.name, format: d.format, fatal: fatal.get(d.name)!, warnings: warnings.get(d.name)! }));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
