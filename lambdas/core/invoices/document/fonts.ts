/**
 * The invoice font: Roboto Regular and Bold, embedded as code (see `roboto-woff.generated.ts`) so
 * that a bundled Lambda needs no font files, and covering Latin (with Central European letters),
 * Greek and Cyrillic, so customer names print as they are written. Parsed once per process.
 */
import { inflateSync } from 'node:zlib';
import { create, type Font } from 'fontkit';
import { ROBOTO_BOLD_WOFF_BASE64, ROBOTO_REGULAR_WOFF_BASE64 } from './roboto-woff.generated';

export interface InvoiceFonts {
  readonly regular: Font;
  readonly bold: Font;
}

let loaded: InvoiceFonts | undefined;

/**
 * The plain TrueType font inside a WOFF file: the same tables, inflated. Fontkit reads WOFF too,
 * but inflates a whole table on every glyph it subsets, which made one invoice take a second.
 */
export function sfntFromWoff(woff: Buffer): Buffer {
  if (woff.readUInt32BE(0) !== 0x774f4646) throw new Error('Not a WOFF font');
  const flavor = woff.readUInt32BE(4);
  const numTables = woff.readUInt16BE(12);
  const tables = Array.from({ length: numTables }, (_, i) => {
    const at = 44 + i * 20;
    const offset = woff.readUInt32BE(at + 4);
    const compLength = woff.readUInt32BE(at + 8);
    const origLength = woff.readUInt32BE(at + 12);
    const stored = woff.subarray(offset, offset + compLength);
    const data = compLength < origLength ? inflateSync(stored) : stored;
    if (data.length !== origLength) throw new Error('A WOFF table does not inflate to its declared length');
    return { tag: woff.readUInt32BE(at), checksum: woff.readUInt32BE(at + 16), data };
  });
  const power = 2 ** Math.floor(Math.log2(numTables));
  const header = Buffer.alloc(12 + numTables * 16);
  header.writeUInt32BE(flavor, 0);
  header.writeUInt16BE(numTables, 4);
  header.writeUInt16BE(power * 16, 6);
  header.writeUInt16BE(Math.log2(power), 8);
  header.writeUInt16BE(numTables * 16 - power * 16, 10);
  const parts: Buffer[] = [header];
  let offset = header.length;
  tables.forEach((table, i) => {
    const at = 12 + i * 16;
    header.writeUInt32BE(table.tag, at);
    header.writeUInt32BE(table.checksum, at + 4);
    header.writeUInt32BE(offset, at + 8);
    header.writeUInt32BE(table.data.length, at + 12);
    const padded = Buffer.alloc((table.data.length + 3) & ~3);
    table.data.copy(padded);
    parts.push(padded);
    offset += padded.length;
  });
  return Buffer.concat(parts);
}

function parse(base64: string): Font {
  const font = create(sfntFromWoff(Buffer.from(base64, 'base64')));
  if (!('hasGlyphForCodePoint' in font)) throw new Error('The embedded invoice font is a collection, not a font');
  return font;
}

/** The parsed fonts; the first call decodes them (a few milliseconds), later calls are free. */
export function invoiceFonts(): InvoiceFonts {
  loaded ??= { regular: parse(ROBOTO_REGULAR_WOFF_BASE64), bold: parse(ROBOTO_BOLD_WOFF_BASE64) };
  return loaded;
}

const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g;

/**
 * `text` as the fonts can print it: control characters become spaces, and a character the fonts
 * have no glyph for becomes its compatibility form without accents when they have that, else `?`
 * (so the PDF never shows an empty box, and never drops a character silently).
 */
export function printableText(text: string, fonts: InvoiceFonts = invoiceFonts()): string {
  let out = '';
  for (const char of text.replace(CONTROL, ' ')) {
    const code = char.codePointAt(0)!;
    if (char === '\n' || char === '\t' || (fonts.regular.hasGlyphForCodePoint(code) && fonts.bold.hasGlyphForCodePoint(code))) {
      out += char;
      continue;
    }
    const base = char.normalize('NFKD').replace(/\p{M}/gu, '');
    const printable = base !== '' && [...base].every((c) => fonts.regular.hasGlyphForCodePoint(c.codePointAt(0)!) && fonts.bold.hasGlyphForCodePoint(c.codePointAt(0)!));
    out += printable ? base : '?';
  }
  return out;
}
