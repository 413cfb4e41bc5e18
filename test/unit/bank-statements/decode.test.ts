/**
 * Which single-byte encoding a statement that is not UTF-8 is read in: Windows-1252 for Western
 * files, Windows-1250, ISO-8859-2 or IBM852 for Polish, Czech and Hungarian ones, from the file's
 * own bytes, the same whole and streamed. Real files (mBank's ISO-8859-2 MT940, Raiffeisen
 * Hungary's IBM852 MT940) and every UTF-8 bank sample of the suite re-encoded.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeSingleByte, decodeStatementBytes, decodeStatementChunks, IBM852_HIGH_HALF, SingleByteEvidence, statementEncodingOf } from '../../../lambdas/core/bank-statements/decode';
import { readStatementFile } from '../../../lambdas/core/bank-statements/read-statement-file';

const here = path.dirname(fileURLToPath(import.meta.url));
const samples = path.resolve(here, '../../fixtures/bank/samples');
const sample = (name: string) => fs.readFileSync(path.join(samples, name));

async function* chunksOf(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function streamed(bytes: Uint8Array, size: number): Promise<{ text: string; encoding: string }> {
  const encoding = await statementEncodingOf(chunksOf(bytes, size));
  let text = '';
  for await (const part of decodeStatementChunks(chunksOf(bytes, size), encoding)) text += part;
  return { text, encoding };
}

const mt940 = (account: string, currency: string, text: string) =>
  `:20:STMT1\n:25:${account}\n:28C:1/1\n:60F:C240101${currency}100,00\n:61:2401020102C10,00NTRFNONREF\n:86:${text}\n:62F:C240102${currency}110,00\n-`;

describe('single-byte tables', () => {
  it('Windows-1252 reads 0x80-0x9F as the WHATWG standard says, not as ISO-8859-1 (Node 20.18.3 on does)', () => {
    const all = Uint8Array.from({ length: 256 }, (_, byte) => byte);
    const ours = decodeSingleByte(all, 'windows-1252');
    const reference = iconv.decode(Buffer.from(all), 'windows1252');
    // iconv-lite leaves the five bytes the standard maps to C1 controls undefined.
    for (let byte = 0; byte < 256; byte++) if (reference[byte] !== '\ufffd') expect([byte, ours[byte]]).toEqual([byte, reference[byte]]);
    expect(ours.charCodeAt(0x81)).toBe(0x81);
    const file = readStatementFile(Buffer.from(mt940('DE89370400440532013000', 'EUR', 'Miete M\xfcller\x92s B\xfcro 10 \x80'), 'latin1'));
    expect(file.encoding).toBe('windows-1252');
    expect(file.statements[0]!.lines[0]!.remittanceText).toBe('Miete Müller’s Büro 10 €');
  });

  it('IBM852 is iconv-lite\'s table', () => {
    const all = Uint8Array.from({ length: 256 }, (_, byte) => byte);
    expect(decodeSingleByte(all, 'ibm852')).toBe(iconv.decode(Buffer.from(all), 'cp852'));
    expect(IBM852_HIGH_HALF).toHaveLength(128);
  });
});

describe('the encoding of a statement that is not UTF-8', () => {
  it('reads mBank\'s ISO-8859-2 MT940 in Polish', () => {
    const file = readStatementFile(sample('mt940-mbank/MT940_multiple_accounts.txt'));
    expect(file.encoding).toBe('iso-8859-2');
    const texts = file.statements.flatMap((statement) => statement.lines.map((line) => line.remittanceText)).join('\n');
    expect(texts).toContain('OPŁATA POCZTOWA');
    expect(texts).toContain('ŚWINOUJŚCIE');
    const iph = readStatementFile(sample('mt940-mbank/MT940_IPH.txt'));
    expect(iph.statements[0]!.lines.map((line) => line.remittanceText).join('\n')).toMatch(/SPÓŁKA Z O\.O\.[\s\S]*WIELUŃ[\s\S]*ZAKŁAD USŁUG KOMUNALNYCH/);
  });

  it('reads Raiffeisen Hungary\'s IBM852 MT940 in Hungarian', () => {
    const file = readStatementFile(sample('mt940/self-provided/raiffeisen-cmi.sta'));
    expect(file.encoding).toBe('ibm852');
    const texts = file.statements.flatMap((statement) => statement.lines.map((line) => line.remittanceText)).join('\n');
    expect(texts).toContain('Csoportos átutalás');
    expect(texts).toContain('Bankon belüli átutalás');
  });

  it('reads Polish in Windows-1250 and ISO-8859-2, and Czech of a Czech account in Windows-1250', () => {
    const polish = 'Zapłata za fakturę FV/2024/013; Spółdzielnia Mieszkaniowa "Świt" Łódź, ul. Żółkiewskiego';
    for (const encoding of ['windows-1250', 'iso-8859-2']) {
      const file = readStatementFile(iconv.encode(mt940('PL61109010140000071219812874', 'PLN', polish), encoding));
      expect([encoding, file.encoding, file.statements[0]!.lines[0]!.remittanceText]).toEqual([encoding, encoding, polish]);
    }
    // Without an account or currency to go by, the Polish letters alone decide.
    const anonymous = readStatementFile(iconv.encode(mt940('12345678', 'EUR', polish), 'windows-1250'));
    expect([anonymous.encoding, anonymous.statements[0]!.lines[0]!.remittanceText]).toEqual(['windows-1250', polish]);
    // Czech "č", "ř", "ě", "ů" are letters in Windows-1252 too (è ø ì ù): the Czech account decides.
    const czech = 'Úhrada faktury č. 2024013, Dvořák a synové s.r.o., Třeboň, Kůlna';
    const file = readStatementFile(iconv.encode(mt940('CZ6508000000192000145399', 'CZK', czech), 'windows-1250'));
    expect([file.encoding, file.statements[0]!.lines[0]!.remittanceText]).toEqual(['windows-1250', czech]);
    // Czech in ISO-8859-2 with only lowercase "š" and "ž" to tell: Windows-1250 reads them "ą" and "ľ",
    // letters too, but Polish and Slovak among Czech ones; ISO-8859-2's reading is all Czech.
    const lowercase = 'Platba za služby, paní Věra Kašparová, Plzeň, účet č. 123';
    const iso = readStatementFile(iconv.encode(mt940('CZ6508000000192000145399', 'CZK', lowercase), 'iso-8859-2'));
    expect([iso.encoding, iso.statements[0]!.lines[0]!.remittanceText]).toEqual(['iso-8859-2', lowercase]);
  });

  it('keeps Western text in Windows-1252, with no-break spaces, soft hyphens and quotes inside words', () => {
    for (const text of ['Müller Größe Straße, Jürgen Bäcker', 'Café Løn, Ærø, Åsa Öberg', 'Facture n° 12 réglée, Crème brûlée SARL, Señor Núñez', 'O’Brien’s Bar Ltd\xa0Dublin, Kunden\xadnummer 12', 'Société Générale – Œuvre, Zoë, naïve']) {
      const file = readStatementFile(iconv.encode(mt940('DE89370400440532013000', 'EUR', text), 'windows-1252'));
      expect([text, file.encoding, file.statements[0]!.lines[0]!.remittanceText]).toEqual([text, 'windows-1252', text]);
    }
  });

  it('reads every UTF-8 bank sample of the suite the same after re-encoding it in Windows-1252', () => {
    const names = (fs.readdirSync(samples, { recursive: true }) as string[]).filter((name) => /\.(xml|sta|STA|txt|mta|bai2|csv)$/.test(name)).sort();
    let tried = 0;
    for (const name of names) {
      let text: string;
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(sample(name));
      } catch {
        continue;
      }
      // Only files with letters beyond ASCII, and real text: no C1 control characters or replacement
      // characters (a sample that was itself decoded wrongly somewhere has them).
      if (!/[^\x00-\x7f]/.test(text) || /[\x80-\x9f\ufffd]/.test(text) || text.startsWith('\ufeff')) continue;
      const bytes = iconv.encode(text, 'windows1252');
      if (iconv.decode(bytes, 'windows1252') !== text) continue;
      const decoded = decodeStatementBytes(bytes);
      expect([name, decoded.encoding]).toEqual([name, 'windows-1252']);
      expect(decoded.text === text).toBe(true);
      tried++;
    }
    expect(tried).toBeGreaterThanOrEqual(30);
  });

  it('finds the same encoding and text streamed in any chunks as whole, and stops reading once the evidence is complete', async () => {
    for (const bytes of [sample('mt940-mbank/MT940_multiple_accounts.txt'), sample('mt940/self-provided/raiffeisen-cmi.sta'), iconv.encode(mt940('CZ6508000000192000145399', 'CZK', 'Dvořák, Třeboň'), 'windows-1250'), Buffer.from('Müller\x80', 'latin1')]) {
      const whole = decodeStatementBytes(bytes);
      for (const size of [1, 2, 7, 64, 4096, 1 << 20]) expect(await streamed(bytes, size)).toEqual(whole);
    }
    // A large Polish file: the encoding is known after 4,096 non-ASCII bytes and the first 64 KiB.
    const line = iconv.encode(':86:Opłata za usługę, Świętochłowice, Ząbki\n', 'iso-8859-2');
    let read = 0;
    async function* endless(): AsyncGenerator<Uint8Array> {
      for (;;) {
        read++;
        if (read > 10_000) throw new Error('read on after the evidence was complete');
        yield line;
      }
    }
    expect(await statementEncodingOf(endless())).toBe('iso-8859-2');
    expect(read).toBeLessThan(3_000);
    expect(SingleByteEvidence.MAX_SAMPLES).toBe(4096);
  });
});
