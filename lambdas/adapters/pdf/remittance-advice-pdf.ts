/**
 * Reads the table of a PDF remittance advice with pdfjs-dist (Mozilla's PDF.js): the text of every
 * page, placed by its position, rows by their baseline and cells by the header's column positions.
 * The table has the columns of the advice CSV (`remittance-advice.ts`) as its header row; text
 * above the header (a letterhead, a title) and rows below the table that fill no column are left out.
 */
import { ADVICE_COLUMNS, adviceFromTable, OPTIONAL_ADVICE_COLUMNS, RemittanceAdviceError, type RemittanceAdvice } from '../../core/cash-application/remittance-advice';

interface Placed {
  readonly text: string;
  readonly x: number;
  readonly y: number;
}

const KNOWN_COLUMNS: readonly string[] = [...ADVICE_COLUMNS, ...OPTIONAL_ADVICE_COLUMNS];
/** Text within this many points of one baseline is one row. */
const ROW_TOLERANCE = 3;

/** The text of a PDF placed on its pages, page by page, top to bottom. */
async function placedText(bytes: Uint8Array): Promise<Placed[][]> {
  // pdf.js (legacy build) installs core-js polyfills over Array.prototype.push and JSON.stringify for the
  // whole process: loaded only when a PDF advice is read, so a statement upload never pays for it.
  const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  let pdf;
  try {
    pdf = await getDocument({ data: new Uint8Array(bytes), isEvalSupported: false, disableFontFace: true, verbosity: 0 }).promise;
  } catch (error) {
    throw new RemittanceAdviceError(`the advice is not a readable PDF: ${error instanceof Error ? error.message : String(error)}`, 'advice', null);
  }
  try {
    const pages: Placed[][] = [];
    for (let n = 1; n <= pdf.numPages; n++) {
      const content = await (await pdf.getPage(n)).getTextContent();
      const placed: Placed[] = [];
      for (const item of content.items) {
        if (!('str' in item) || item.str.trim() === '') continue;
        placed.push({ text: item.str.trim(), x: item.transform[4] as number, y: item.transform[5] as number });
      }
      pages.push(placed);
    }
    return pages;
  } finally {
    await pdf.destroy();
  }
}

/** Groups placed text into rows (top to bottom), each row's texts left to right. */
function rowsOf(placed: readonly Placed[]): Placed[][] {
  const sorted = [...placed].sort((a, b) => b.y - a.y || a.x - b.x);
  const rows: Placed[][] = [];
  for (const p of sorted) {
    const row = rows[rows.length - 1];
    if (row && Math.abs(row[0]!.y - p.y) <= ROW_TOLERANCE) row.push(p);
    else rows.push([p]);
  }
  return rows.map((r) => r.sort((a, b) => a.x - b.x));
}

/**
 * Reads a PDF remittance advice. The header row may repeat on later pages.
 *
 * @throws RemittanceAdviceError when the PDF cannot be read, has no header row naming the advice
 *   columns, or the table fails the checks of {@link adviceFromTable}.
 */
export async function readAdvicePdf(bytes: Uint8Array): Promise<RemittanceAdvice> {
  const table: string[][] = [];
  let header: Placed[] | null = null;
  for (const page of await placedText(bytes)) {
    let pageHeader: Placed[] | null = null;
    for (const row of rowsOf(page)) {
      const names = row.map((p) => p.text.toLowerCase());
      if (names.includes('invoice_number') && names.every((n) => KNOWN_COLUMNS.includes(n))) {
        pageHeader = row;
        if (!header) {
          header = row;
          table.push(names);
        }
        continue;
      }
      if (!pageHeader) continue;
      // Each text goes to the column whose header starts nearest at or left of it.
      const cells = new Array<string>(pageHeader.length).fill('');
      for (const p of row) {
        let column = -1;
        for (let i = 0; i < pageHeader.length; i++) if (pageHeader[i]!.x <= p.x + 1) column = i;
        if (column < 0) continue;
        cells[column] = cells[column] === '' ? p.text : `${cells[column]} ${p.text}`;
      }
      if (cells.some((c) => c !== '') && cells[invoiceColumn(pageHeader)] !== '') table.push(cells);
    }
  }
  if (!header) {
    throw new RemittanceAdviceError(`the PDF has no table header row with the advice columns (${ADVICE_COLUMNS.join(', ')})`, 'advice', null);
  }
  return adviceFromTable(table);
}

/** The position of the invoice_number column: a row without an invoice number is not a table row. */
function invoiceColumn(header: readonly Placed[]): number {
  return header.findIndex((p) => p.text.toLowerCase() === 'invoice_number');
}
