/**
 * E-invoices: the document as XML in one of {@link EINVOICE_FORMATS}, built from the EN 16931
 * model ({@link einvoiceModel}) by the UBL 2.1 or CII D16B serializer.
 */
import { ValidationError } from '../errors';
import { EINVOICE_FORMATS, einvoiceModel, formatSyntax, type EinvoiceFormat, type EinvoiceSource } from './model';
import { toCii } from './cii';
import { toUbl } from './ubl';

export function parseEinvoiceFormat(format: string | undefined): EinvoiceFormat {
  if (format === undefined || format === '') throw ValidationError.of('format', `is required: one of ${EINVOICE_FORMATS.join(', ')}`);
  if (!(EINVOICE_FORMATS as readonly string[]).includes(format)) throw ValidationError.of('format', `must be one of ${EINVOICE_FORMATS.join(', ')}, not "${format}"`);
  return format as EinvoiceFormat;
}

/** The XML of the document in `format`; throws EinvoiceIncompleteError (409) naming what is missing. */
export function einvoiceXml(source: EinvoiceSource, format: EinvoiceFormat): string {
  const { syntax, specification } = formatSyntax(format);
  const model = einvoiceModel(source, specification);
  return syntax === 'ubl' ? toUbl(model) : toCii(model);
}

/** The file name of the XML: the document number and the format. */
export function einvoiceFileName(number: string, format: EinvoiceFormat): string {
  return `${number.replace(/[^A-Za-z0-9_-]/g, '_')}-${format}.xml`;
}
