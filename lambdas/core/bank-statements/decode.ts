/**
 * Bytes of a bank statement file to text. Its own module, without the readers: the API's raw-body
 * handling and the upload adapter use it without pulling the XML parser into every function.
 * Pure: no I/O.
 */
import { Buffer, isAscii } from 'node:buffer';

/**
 * The text of a statement file's bytes: UTF-8 (with or without a byte-order mark), UTF-16 with a
 * byte-order mark, else, when the bytes are not valid UTF-8, the encoding an XML declaration
 * names, else the single-byte encoding {@link SingleByteEvidence} finds: Windows-1252 (which reads
 * every ISO-8859-1 text the same, and is what German and Dutch banks' "ANSI" exports are: umlauts
 * arrive intact) unless the text reads as Polish, Czech or Hungarian in Windows-1250, ISO-8859-2 or
 * IBM852. Windows-1252 and IBM852 are decoded from the tables here, the others with the WHATWG
 * decoders Node ships.
 */
export function decodeStatementBytes(bytes: Uint8Array): { text: string; encoding: string } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { text: new TextDecoder('utf-8').decode(bytes.subarray(3)), encoding: 'utf-8' };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'utf-16le' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), encoding: 'utf-16be' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    const declared = declaredEncoding(bytes);
    if (declared) return { text: isSingleByte(declared) ? decodeSingleByte(bytes, declared) : new TextDecoder(declared).decode(bytes), encoding: declared };
    const evidence = new SingleByteEvidence();
    evidence.add(bytes);
    const encoding = evidence.choose();
    return { text: decodeSingleByte(bytes, encoding), encoding };
  }
}

/** The encoding an XML declaration at the start names, when the decoders know it and it is not UTF-8. */
function declaredEncoding(bytes: Uint8Array): string | null {
  const head = decodeSingleByte(bytes.subarray(0, 200), 'windows-1252');
  const declared = /^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head)?.[1];
  if (!declared) return null;
  try {
    const encoding = new TextDecoder(declared.toLowerCase()).encoding;
    return encoding === 'utf-8' ? null : encoding;
  } catch {
    // An encoding name the decoders do not know: the statement's bytes decide below.
    return null;
  }
}

/**
 * The single-byte encodings a statement that is not UTF-8 may be in, the first the default:
 * Windows-1252 (Western Europe; reads ISO-8859-1 the same), and for Central Europe Windows-1250,
 * ISO-8859-2 (Polish banks' MT940 exports) and IBM852, the DOS code page Hungarian and Czech
 * banking software still writes.
 */
export const SINGLE_BYTE_ENCODINGS = ['windows-1252', 'windows-1250', 'iso-8859-2', 'ibm852'] as const;
export type SingleByteEncoding = (typeof SINGLE_BYTE_ENCODINGS)[number];

function isSingleByte(encoding: string): encoding is SingleByteEncoding {
  return (SINGLE_BYTE_ENCODINGS as readonly string[]).includes(encoding);
}

/**
 * Windows-1252's characters for bytes 0x80-0x9F (the WHATWG Encoding Standard's table; 0xA0-0xFF
 * are ISO-8859-1's). Not from `TextDecoder`: Node 20.18.3 on (and some 22 releases) decode
 * Windows-1252 as ISO-8859-1 there (nodejs/node#60888), which made "€" U+0080 and "’" U+0092.
 */
const WINDOWS_1252_80_9F =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

/**
 * IBM852's characters for bytes 0x80-0xFF (below they are ASCII). The WHATWG decoders Node ships do
 * not have it, and iconv-lite, which does, adds about 480 KiB to every function that reads a
 * request body; this table and Windows-1252's are checked against iconv-lite's in the tests.
 */
export const IBM852_HIGH_HALF =
  'ÇüéâäůćçłëŐőîŹÄĆÉĹĺôöĽľŚśÖÜŤťŁ×čáíóúĄąŽžĘę¬źČş«»░▒▓│┤ÁÂĚŞ╣║╗╝Żż┐└┴┬├─┼Ăă╚╔╩╦╠═╬¤đĐĎËďŇÍÎě┘┌█▄ŢŮ▀ÓßÔŃńňŠšŔÚŕŰýÝţ´\u00ad˝˛ˇ˘§÷¸°¨˙űŘř■\u00a0';

/** The encodings decoded from a table here (bytes 0x80-0xFF); Windows-1252 is ISO-8859-1 and its own 0x80-0x9F. */
const HIGH_HALVES: Partial<Record<string, string>> = { ibm852: IBM852_HIGH_HALF };
const codeTables = new Map<string, Uint16Array>();

/**
 * `bytes` in one of {@link SINGLE_BYTE_ENCODINGS}: every byte one character, so chunks decode
 * alone. Windows-1252 and IBM852 from the tables here, the others with the WHATWG decoders.
 */
export function decodeSingleByte(bytes: Uint8Array, encoding: string): string {
  if (encoding === 'windows-1252') {
    // ISO-8859-1 natively, then the 32 characters where Windows-1252 differs.
    const latin1 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
    return latin1.replace(/[\x80-\x9f]/g, (char) => WINDOWS_1252_80_9F[char.charCodeAt(0) - 0x80]!);
  }
  const highHalf = HIGH_HALVES[encoding];
  if (highHalf === undefined) return new TextDecoder(encoding).decode(bytes);
  let codes = codeTables.get(encoding);
  if (!codes) {
    codes = Uint16Array.from({ length: 256 }, (_, byte) => (byte < 0x80 ? byte : highHalf.charCodeAt(byte - 0x80)));
    codeTables.set(encoding, codes);
  }
  // The characters as UTF-16 code units, turned into a string natively, a megabyte at a time.
  const utf16 = new TextDecoder('utf-16le');
  let text = '';
  for (let start = 0; start < bytes.length; start += 1 << 20) {
    const block = bytes.subarray(start, start + (1 << 20));
    const units = new Uint16Array(block.length);
    for (let i = 0; i < block.length; i++) units[i] = codes[block[i]!]!;
    text += utf16.decode(units);
  }
  return text;
}

/** How each encoding reads each byte: 1 a letter, 0 a mark that stands inside words, -1 anything else. */
let letterTables: Map<SingleByteEncoding, Int8Array> | undefined;

function letterTablesOf(): Map<SingleByteEncoding, Int8Array> {
  const all = Uint8Array.from({ length: 256 }, (_, byte) => byte);
  const letter = /^\p{L}$/u;
  // Spaces, apostrophes, hyphens, dots and accents stand inside words without being letters.
  const mark = /^[\p{Zs}\p{Pd}\p{Pi}\p{Pf}'.\u00b4\u00ad\u00b7`]$/u;
  letterTables ??= new Map(
    SINGLE_BYTE_ENCODINGS.map((encoding) => [encoding, Int8Array.from(decodeSingleByte(all, encoding), (char) => (letter.test(char) ? 1 : mark.test(char) ? 0 : -1))]),
  );
  return letterTables;
}

/** The letters beyond ASCII of the languages written in these encodings. */
const ALPHABETS = [
  'ąćęłńóśźżĄĆĘŁŃÓŚŹŻ', // Polish
  'áčďéěíňóřšťúůýžÁČĎÉĚÍŇÓŘŠŤÚŮÝŽ', // Czech
  'áäčďéíĺľňóôŕšťúýžÁÄČĎÉÍĹĽŇÓÔŔŠŤÚÝŽ', // Slovak
  'áéíóöőúüűÁÉÍÓÖŐÚÜŰ', // Hungarian
  'čćđšžČĆĐŠŽ', // Croatian, Slovenian, Bosnian, Serbian
  'ăâîşţșțĂÂÎŞŢȘȚ', // Romanian
  'äöüßÄÖÜéÉ', // German (names in Central European files)
];

/** The largest share of `letters` (counts by byte) that one language's alphabet holds, read in `encoding`. */
function oneLanguageShare(encoding: SingleByteEncoding, letters: ReadonlyMap<number, number>): number {
  let total = 0;
  for (const count of letters.values()) total += count;
  if (total === 0) return 0;
  const read = [...letters].map(([byte, count]) => [decodeSingleByte(Uint8Array.of(byte), encoding), count] as const);
  return Math.max(...ALPHABETS.map((alphabet) => read.reduce((sum, [char, count]) => sum + (alphabet.includes(char) ? count : 0), 0))) / total;
}

/** A Central European account or currency in the file's head: Windows-1250 and its kin win a tie. */
const CENTRAL_EUROPE = /(?<![A-Z0-9])(?:PL|CZ|SK|HU|SI|HR|RO|BA|RS|AL|MK|ME|XK)\d{2}[A-Z0-9]{11,28}(?![A-Z0-9])|:25:\/?\d{26}\b|(?::25:|<BIC(?:FI)?>)[A-Z]{4}(?:PL|CZ|SK|HU|SI|HR|RO)[A-Z0-9]{2}(?:[A-Z0-9]{3})?\b|Ccy="(?:PLN|CZK|HUF|RON|HRK|RSD)"|:6[02][FM]:[CD]\d{6}(?:PLN|CZK|HUF|RON|HRK|RSD)|:25:[^\r\n]*\/(?:PLN|CZK|HUF|RON|HRK|RSD)\b/;

/**
 * Which single-byte encoding a file that is not UTF-8 is in, from its bytes alone, the same however
 * the file arrives in chunks: the first {@link SingleByteEvidence.MAX_SAMPLES} bytes of 0x80 and over,
 * each with its neighbours, and the first 64 KiB. Each encoding scores a point for every such byte
 * it reads as a letter beside a letter and loses one for a symbol or control there (Polish "OP£ATA"
 * in Windows-1252, "OPŁATA" in ISO-8859-2; Hungarian "átutalás" in IBM852). Windows-1252 stays unless
 * another scores at least 2 more, or at least as much when the head names a Central European
 * account (IBAN, BIC or Polish account number) or currency: Czech "č", "ř" are letters in both.
 */
const ASCII_BLOCK = 256;

export class SingleByteEvidence {
  static readonly MAX_SAMPLES = 4096;
  static readonly HEAD_BYTES = 65_536;
  private readonly samples = new Uint8Array(SingleByteEvidence.MAX_SAMPLES * 3);
  private count = 0;
  private previous = 0x0a;
  /** Where the last sample waits for the byte after it, or -1. */
  private waiting = -1;
  private readonly head = new Uint8Array(SingleByteEvidence.HEAD_BYTES);
  private headLength = 0;

  /** True once more bytes change nothing. */
  get complete(): boolean {
    return this.count >= SingleByteEvidence.MAX_SAMPLES && this.waiting < 0 && this.headLength >= SingleByteEvidence.HEAD_BYTES;
  }

  /** The file's first bytes (up to 64 KiB). */
  get start(): Uint8Array {
    return this.head.subarray(0, this.headLength);
  }

  add(chunk: Uint8Array): void {
    if (this.headLength < SingleByteEvidence.HEAD_BYTES) {
      const part = chunk.subarray(0, SingleByteEvidence.HEAD_BYTES - this.headLength);
      this.head.set(part, this.headLength);
      this.headLength += part.length;
    }
    for (let i = 0; i < chunk.length; i++) {
      // Runs of ASCII (most of any statement) are skipped natively, a block at a time.
      if (this.waiting < 0 && (i & (ASCII_BLOCK - 1)) === 0 && i + ASCII_BLOCK <= chunk.length && isAscii(chunk.subarray(i, i + ASCII_BLOCK))) {
        i += ASCII_BLOCK - 1;
        this.previous = chunk[i]!;
        continue;
      }
      const byte = chunk[i]!;
      if (this.waiting >= 0) {
        this.samples[this.waiting + 2] = byte;
        this.waiting = -1;
      }
      if (byte >= 0x80) {
        if (this.count >= SingleByteEvidence.MAX_SAMPLES) break;
        this.samples[this.count * 3] = this.previous;
        this.samples[this.count * 3 + 1] = byte;
        this.waiting = this.count * 3;
        this.count++;
      }
      this.previous = byte;
    }
  }

  /** The encoding the evidence favours (call after the last chunk). */
  choose(): SingleByteEncoding {
    if (this.waiting >= 0) {
      this.samples[this.waiting + 2] = 0x0a;
      this.waiting = -1;
    }
    const scores = new Map<SingleByteEncoding, number>();
    const consistency = new Map<SingleByteEncoding, number>();
    const tables = letterTablesOf();
    const western = tables.get('windows-1252')!;
    for (const [encoding, kinds] of tables) {
      let score = 0;
      const letters = new Map<number, number>();
      for (let i = 0; i < this.count; i++) {
        const byte = this.samples[i * 3 + 1]!;
        // A byte Windows-1252 reads as a space or mark (a no-break space, a soft hyphen, a quote) may
        // well be one in a Western text: no evidence either way.
        if (western[byte] === 0) continue;
        // Only a byte beside a letter counts: there it should be a letter itself.
        if (kinds[this.samples[i * 3]!] !== 1 && kinds[this.samples[i * 3 + 2]!] !== 1) continue;
        const kind = kinds[byte]!;
        if (kind !== 0) score += kind;
        if (kind === 1) letters.set(byte, (letters.get(byte) ?? 0) + 1);
      }
      scores.set(encoding, score);
      consistency.set(encoding, oneLanguageShare(encoding, letters));
    }
    const westernScore = scores.get('windows-1252')!;
    // Among equal scores, the reading whose letters belong to one language (Czech "š" in ISO-8859-2
    // is "ą" in Windows-1250: a letter too, but Polish among Czech "ř" and "ě").
    let best: SingleByteEncoding = 'windows-1250';
    for (const encoding of SINGLE_BYTE_ENCODINGS.slice(2)) {
      const [score, bestScore] = [scores.get(encoding)!, scores.get(best)!];
      if (score > bestScore || (score === bestScore && consistency.get(encoding)! > consistency.get(best)!)) best = encoding;
    }
    const centralEurope = CENTRAL_EUROPE.test(decodeSingleByte(this.start, 'windows-1252'));
    return scores.get(best)! >= westernScore + (centralEurope ? 0 : 2) ? best : 'windows-1252';
  }
}

/**
 * The encoding {@link decodeStatementBytes} would choose for a file given as a stream of byte
 * chunks, found in one pass without holding the file: a byte-order mark, else UTF-8 when every
 * byte decodes, else the XML declaration's encoding, else the single-byte encoding the evidence
 * favours (reading on after the first byte that is not UTF-8 only until the evidence is complete).
 * Decode the same stream with {@link decodeStatementChunks} for the text `decodeStatementBytes` gives.
 */
export async function statementEncodingOf(chunks: AsyncIterable<Uint8Array>): Promise<string> {
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const evidence = new SingleByteEvidence();
  let first = true;
  let utf8Valid = true;
  for await (const chunk of chunks) {
    if (chunk.length === 0) continue;
    if (first) {
      first = false;
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) return 'utf-8';
      if (chunk[0] === 0xff && chunk[1] === 0xfe) return 'utf-16le';
      if (chunk[0] === 0xfe && chunk[1] === 0xff) return 'utf-16be';
    }
    if (!evidence.complete) evidence.add(chunk);
    if (utf8Valid) {
      try {
        utf8.decode(chunk, { stream: true });
      } catch {
        utf8Valid = false;
        const declared = declaredEncoding(evidence.start);
        if (declared) return declared;
      }
    }
    if (!utf8Valid && evidence.complete) break;
  }
  if (utf8Valid) {
    try {
      utf8.decode();
      return 'utf-8';
    } catch {
      const declared = declaredEncoding(evidence.start);
      if (declared) return declared;
    }
  }
  return evidence.choose();
}

/**
 * The text of a statement file given as a stream of byte chunks (split anywhere, also inside a
 * character), in the `encoding` {@link statementEncodingOf} found: exactly the text
 * {@link decodeStatementBytes} gives for the whole file, chunk by chunk. A single-byte encoding
 * (one of {@link SINGLE_BYTE_ENCODINGS}) is decoded chunk by chunk with the very call
 * `decodeStatementBytes` makes, so the streamed reading cannot differ from the Lambda's whole-file one.
 */
export async function* decodeStatementChunks(chunks: AsyncIterable<Uint8Array>, encoding: string): AsyncGenerator<string> {
  if (isSingleByte(encoding)) {
    for await (const chunk of chunks) if (chunk.length > 0) yield decodeSingleByte(chunk, encoding);
    return;
  }
  const decoder = new TextDecoder(encoding);
  for await (const chunk of chunks) {
    const text = decoder.decode(chunk, { stream: true });
    if (text !== '') yield text;
  }
  const rest = decoder.decode();
  if (rest !== '') yield rest;
}
