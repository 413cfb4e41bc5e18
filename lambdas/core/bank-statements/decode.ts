/**
 * Bytes of a bank statement file to text. Its own module, without the readers: the API's raw-body
 * handling and the upload adapter use it without pulling the XML parser into every function.
 * Pure: no I/O.
 */

/**
 * The text of a statement file's bytes: UTF-8 (with or without a byte-order mark), UTF-16 with a
 * byte-order mark, else, when the bytes are not valid UTF-8, the encoding an XML declaration
 * names, else Windows-1252 (which reads every ISO-8859-1 text the same, and is what German and
 * Dutch banks' "ANSI" exports are: umlauts arrive intact). Uses the WHATWG decoders Node ships.
 */
export function decodeStatementBytes(bytes: Uint8Array): { text: string; encoding: string } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { text: new TextDecoder('utf-8').decode(bytes.subarray(3)), encoding: 'utf-8' };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'utf-16le' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), encoding: 'utf-16be' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    const head = new TextDecoder('windows-1252').decode(bytes.subarray(0, 200));
    const declared = /^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head)?.[1];
    if (declared) {
      try {
        const decoder = new TextDecoder(declared.toLowerCase());
        if (decoder.encoding !== 'utf-8') return { text: decoder.decode(bytes), encoding: decoder.encoding };
      } catch {
        // An encoding name the decoders do not know: fall back to Windows-1252 below.
      }
    }
    return { text: new TextDecoder('windows-1252').decode(bytes), encoding: 'windows-1252' };
  }
}

/**
 * The encoding {@link decodeStatementBytes} would choose for a file given as a stream of byte
 * chunks, found in one pass without holding the file: a byte-order mark, else UTF-8 when every
 * byte decodes, else the XML declaration's encoding, else Windows-1252. Decode the same stream with
 * `new TextDecoder(encoding)` (which drops a byte-order mark) for the text `decodeStatementBytes` gives.
 */
export async function statementEncodingOf(chunks: AsyncIterable<Uint8Array>): Promise<string> {
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  let head: Uint8Array | null = null;
  try {
    for await (const chunk of chunks) {
      if (head === null) {
        head = chunk.subarray(0, 200);
        if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf-8';
        if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
        if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
      }
      utf8.decode(chunk, { stream: true });
    }
    utf8.decode();
    return 'utf-8';
  } catch {
    const text = new TextDecoder('windows-1252').decode(head ?? new Uint8Array());
    const declared = /^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(text)?.[1];
    if (declared) {
      try {
        const decoder = new TextDecoder(declared.toLowerCase());
        if (decoder.encoding !== 'utf-8') return decoder.encoding;
      } catch {
        // An encoding name the decoders do not know: Windows-1252 below.
      }
    }
    return 'windows-1252';
  }
}

/**
 * The text of a statement file given as a stream of byte chunks (split anywhere, also inside a
 * character), in the `encoding` {@link statementEncodingOf} found: exactly the text
 * {@link decodeStatementBytes} gives for the whole file, chunk by chunk. A single-byte encoding
 * (Windows-1252) is decoded chunk by chunk with the very call `decodeStatementBytes` makes: Node's
 * streaming decoder reads bytes 0x80-0x9F differently from its one-shot decoder since Node 20.18.3
 * (nodejs/node#60888), and the streamed reading must not differ from the Lambda's whole-file one.
 */
export async function* decodeStatementChunks(chunks: AsyncIterable<Uint8Array>, encoding: string): AsyncGenerator<string> {
  if (encoding === 'windows-1252') {
    const decoder = new TextDecoder('windows-1252');
    for await (const chunk of chunks) if (chunk.length > 0) yield decoder.decode(chunk);
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
