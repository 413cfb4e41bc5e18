/**
 * Validates the SEPA files the product writes against the official ISO 20022 schemas copied into
 * `test/fixtures/validation/sepa/` (see its README), with libxml2 compiled to WebAssembly
 * (`xmllint-wasm`): the same checks as `xmllint --schema`, without a system package.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { validateXML } from 'xmllint-wasm';

export type SepaSchema = 'pain.008.001.08' | 'pain.001.001.09';

const schemaText = (name: SepaSchema) => readFileSync(fileURLToPath(new URL(`../fixtures/validation/sepa/${name}.xsd`, import.meta.url)), 'utf8');

/** The schema errors of `xml` (empty when it validates). */
export async function schemaErrors(xml: string, schema: SepaSchema): Promise<string[]> {
  const result = await validateXML({ xml: [{ fileName: `${schema}.xml`, contents: xml }], schema: [schemaText(schema)] });
  return result.errors.map((e) => e.rawMessage);
}
