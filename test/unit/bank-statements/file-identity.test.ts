/**
 * The identity each reader gives a file (`fileIdentity`): what the bank wrote to identify it, the
 * same for a re-export with other bytes (creation time, line endings, camt version, bank header
 * lines), different for another statement. Checked on every real sample and fixture and on camt
 * 001.02 to 001.08 of both message types.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readStatementFile } from '../../../lambdas/core/bank-statements/read-statement-file';

const here = path.dirname(fileURLToPath(import.meta.url));
const bank = path.resolve(here, '../../fixtures/bank');
const read = (relative: string): string => fs.readFileSync(path.join(bank, relative), 'utf8');
const identityOf = (content: string): unknown => {
  const identity = readStatementFile(content).fileIdentity;
  return identity === null ? null : JSON.parse(identity);
};
const crlf = (content: string): string => content.replace(/\r?\n/g, '\r\n');

describe('camt fileIdentity', () => {
  it('is GrpHdr/MsgId and per statement its account and ElctrncSeqNb (else Id), in every sample', () => {
    const expected: Record<string, string[]> = {
      // Version 001.01 names its account at Id/PrtryAcct/Id.
      'camt052.v1.xml': ['camt.052', 'AAAASESS-FP-ACCR001', 'CH2801234000123456789', '12312'],
      'camt052.v2.other-account.xml': ['camt.052', 'AAAASESS-FP-ACCR001', 'CH2801234000123456789', '12312'],
      'camt052.v2.with-account-name.xml': ['camt.052', 'AAAASESS-FP-ACCR001', 'CH2801234000123456789', 'AAAASESS-FP-ACCR001'],
      'camt052.v2.xml': ['camt.052', 'AAAASESS-FP-ACCR001', 'CH2801234000123456789', '12312'],
      'camt052.v4.xml': ['camt.052', 'AAAASESS-FP-ACCR001', 'CH2801234000123456789', '12312'],
      'camt052.v6.Amt-zero.xml': ['camt.052', 'AAAASESS-FP-ACCR001', 'CH2801234000123456789', '12312'],
      'camt052.v6.xml': ['camt.052', 'AAAASESS-FP-ACCR001', 'CH2801234000123456789', '12312'],
      'camt052.v8.xml': ['camt.052', 'AAAASESS-FP-ACCR001', 'CH2801234000123456789', '12312'],
      'camt53.only-Dt-with-DtTm.xml': ['camt.053', 'I38y0h4YyLnQiOV6P7nEd44r2', 'GB33BUKB20201555555555', 'I38y0h4YyLnQiOV6P7nEd44r2'],
      'camt053.v2.all-balance-types.xml': ['camt.053', 'CAMT05300000001', 'CH2801234000123456789', '315'],
      'camt053.v2.five.decimals.xml': ['camt.053', 'CAMT053RIB000000000001', 'NL26VAYB8060476890', '12312'],
      'camt053.v2.minimal.ultimate.xml': ['camt.053', 'CAMT053RIB000000000001', 'NL26VAYB8060476890', '12312'],
      'camt053.v2.minimal.xml': ['camt.053', 'CAMT053RIB000000000001', 'NL26VAYB8060476890', '12312'],
      // The second statement has no ElctrncSeqNb: its Id stands in.
      'camt053.v2.multi.statement.xml': ['camt.053', 'CAMT053RIB000000000001', 'NL26VAYB8060476890', '12312', 'NL26VAYB8060476890', '254EURNL26VAYB8060476890'],
      'camt053.v2.with-account-name.xml': ['camt.053', 'CAMT053RIB000000000001', 'CH2801234000123456789', '253EURCH2801234000123456789'],
      'camt053.v2.with-party-ids.xml': ['camt.053', 'CAMT053RIB000000000001', 'NL26VAYB8060476890', '12312'],
      'camt053.v3.xml': ['camt.053', 'CAMT053RIB000000000001', 'NL26VAYB8060476890', '12312'],
      'camt053.v4.xml': ['camt.053', 'CAMT053RIB000000000001', 'NL26VAYB8060476890', '12312'],
      'camt053.v8.xml': ['camt.053', 'CAMT053RIB000000000001', 'NL26VAYB8060476890', '12312'],
      'camt054.v2.with-account-name.xml': ['camt.054', 'AAAASESS-FP-ACCR001', 'CH2801234000123456789', 'AAAASESS-FP-ACCR001'],
      'camt054.v2.xml': ['camt.054', 'AAAASESS-FP-ACCR001', 'CH2801234000123456789', '12312'],
      // GrpHdr/MsgId, not the MsgId of the original business query further down.
      'camt054.v4.xml': ['camt.054', 'AAAASESS-FP-ACCR001', 'CH2801234000123456789', '12312'],
      'camt054.v8-with-UETR.xml': ['camt.054', 'AAAASESS-FP-ACCR001', 'CH2801234000123456789', 'AAAASESS-FP-ACCR001'],
      'camt054.v8-with-financial-institution.xml': ['camt.054', 'AAAASESS-FP-ACCR001', 'CH2801234000123456789', 'AAAASESS-FP-ACCR001'],
      'camt054.v8.xml': ['camt.054', 'AAAASESS-FP-ACCR001', 'CH2801234000123456789', '12312'],
    };
    const samples = fs.readdirSync(path.join(bank, 'samples/camt')).filter((name) => name.endsWith('.xml') && name !== 'camt053.v2.wrong.xml');
    expect(samples.sort()).toEqual(Object.keys(expected).sort());
    for (const name of samples) expect(identityOf(read(`samples/camt/${name}`)), name).toEqual(expected[name]);
    expect(identityOf(read('camt054-v8-customer-payments.xml'))).toEqual(['camt.054', 'NTF-20260305-0001', 'DE89370400440532013000', 'NTF-20260305-0001-DE89']);
  });

  it('stays the same for a re-export with another creation time, other line endings and indentation', () => {
    for (const name of ['camt053.v2.minimal.xml', 'camt053.v8.xml', 'camt054.v4.xml', 'camt054.v8.xml']) {
      const original = read(`samples/camt/${name}`);
      const reexport = crlf(original.replace(/<CreDtTm>[^<]*<\/CreDtTm>/g, '<CreDtTm>2030-01-01T00:00:00+01:00</CreDtTm>').replace(/\n\s+/g, '\n'));
      expect(reexport).not.toBe(original);
      expect(readStatementFile(reexport).fileIdentity, name).toBe(readStatementFile(original).fileIdentity);
    }
  });

  const camt = (kind: '053' | '054', version: string, parts: { msgId?: string; seq?: string; id?: string } = {}): string => {
    const [message, record] = kind === '053' ? ['BkToCstmrStmt', 'Stmt'] : ['BkToCstmrDbtCdtNtfctn', 'Ntfctn'];
    const msgId = parts.msgId === undefined ? 'MSG-1' : parts.msgId;
    return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.${kind}.001.${version}"><${message}>
<GrpHdr>${msgId ? `<MsgId>${msgId}</MsgId>` : ''}<CreDtTm>2026-03-12T18:00:00+01:00</CreDtTm></GrpHdr>
<${record}><Id>${parts.id ?? 'STMT-1'}</Id>${parts.seq ? `<ElctrncSeqNb>${parts.seq}</ElctrncSeqNb>` : ''}<CreDtTm>2026-03-12T18:00:00+01:00</CreDtTm>
<Acct><Id><IBAN>DE89370400440532013000</IBAN></Id></Acct>
<Ntry><Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>2026-03-12</Dt></BookgDt></Ntry></${record}></${message}></Document>`;
  };

  it('is read in every version, 001.02 to 001.08, of camt.053 and camt.054, and does not depend on the version', () => {
    for (const kind of ['053', '054'] as const) {
      const identities = ['02', '03', '04', '05', '06', '07', '08'].map((version) => {
        const file = readStatementFile(camt(kind, version, { seq: '42' }));
        expect(file.version).toBe(`001.${version}`);
        return file.fileIdentity;
      });
      expect(new Set(identities).size, kind).toBe(1);
      expect(JSON.parse(identities[0]!)).toEqual([`camt.${kind}`, 'MSG-1', 'DE89370400440532013000', '42']);
      expect(identityOf(camt(kind, '05'))).toEqual([`camt.${kind}`, 'MSG-1', 'DE89370400440532013000', 'STMT-1']);
    }
  });

  it('differs for another message, another statement and another message type; none without MsgId', () => {
    const base = readStatementFile(camt('053', '08', { seq: '42' })).fileIdentity;
    expect(readStatementFile(camt('053', '08', { seq: '42', msgId: 'MSG-2' })).fileIdentity).not.toBe(base);
    expect(readStatementFile(camt('053', '08', { seq: '43' })).fileIdentity).not.toBe(base);
    expect(readStatementFile(camt('054', '08', { seq: '42' })).fileIdentity).not.toBe(base);
    expect(readStatementFile(camt('053', '08', { seq: '42', msgId: '' })).fileIdentity).toBeNull();
  });
});

describe('MT940 fileIdentity', () => {
  it('is :20:, :25:, :28C: and both balances of each statement, in every sample that is a statement', () => {
    expect(identityOf(read('samples/mt940/jejik/triodos.sta'))).toEqual(['mt940', '1308728725026/1', 'TRIODOSBANK/0390123456', '1', '2011-01-01 EUR 497509', '2011-02-01 EUR 437079']);
    expect(identityOf(read('samples/mt940/jejik/ing.sta'))).toEqual(['mt940', 'MPBZ', '0001234567', '000', '2010-07-22 EUR 0', '2010-07-23 EUR 347']);
    // Rabobank writes one :20: and :28C: 0 on every statement: only the balances tell them apart.
    expect(identityOf(read('samples/mt940/jejik/rabobank-iban.sta'))).toEqual([
      'mt940',
      '940S130101', 'NL71RABO0123456789', '0', '2013-01-01 EUR 100000', '2013-01-08 EUR 96500',
      '940S130101', 'NL71RABO0123456789', '0', '2013-01-08 EUR 96500', '2013-01-15 EUR 93000',
    ]);
    for (const folder of ['samples/mt940/jejik', 'samples/mt940/cmxl']) {
      for (const name of fs.readdirSync(path.join(bank, folder)).filter((n) => n.endsWith('.sta'))) {
        let file;
        try {
          file = readStatementFile(read(`${folder}/${name}`));
        } catch {
          continue; // a field on its own (cmxl's single-field samples) is no statement
        }
        const parts = JSON.parse(file.fileIdentity!) as string[];
        expect(parts[0], name).toBe('mt940');
        expect(parts.length, name).toBe(1 + 5 * file.statements.length);
        file.statements.forEach((statement, i) => {
          expect(parts[1 + 5 * i + 1], name).toBe(statement.account);
          expect(`${parts[1 + 5 * i]}/${parts[1 + 5 * i + 2]}`, name).toBe(statement.statementId);
        });
      }
    }
  });

  it('stays the same for a re-export with other line endings, trailing blanks and without the bank header lines', () => {
    for (const name of ['abnamro.sta', 'rabobank-iban.sta', 'knab.sta', 'postfinance.sta']) {
      const original = read(`samples/mt940/jejik/${name}`);
      const lines = original.split(/\r?\n/);
      const firstField = lines.findIndex((line) => line.startsWith(':20:'));
      const reexport = crlf(lines.slice(firstField).map((line) => `${line}  `).join('\n'));
      expect(readStatementFile(reexport).fileIdentity, name).toBe(readStatementFile(original).fileIdentity);
    }
  });

  it('differs for another statement number, account or closing balance', () => {
    const mt940 = (number: string, account: string, closing: string) =>
      [':20:STARTUMS', `:25:${account}`, `:28C:${number}`, ':60F:C260301EUR0,', ':61:2603020302C1,00NTRFNONREF', `:62F:C260302EUR${closing}`, '-'].join('\n');
    const base = readStatementFile(mt940('1', '12345678', '1,00')).fileIdentity;
    expect(readStatementFile(mt940('1', '12345678', '1,')).fileIdentity).toBe(base);
    expect(readStatementFile(mt940('2', '12345678', '1,00')).fileIdentity).not.toBe(base);
    expect(readStatementFile(mt940('1', '87654321', '1,00')).fileIdentity).not.toBe(base);
    expect(readStatementFile(mt940('1', '12345678', '2,00').replace(':61:2603020302C1,00', ':61:2603020302C2,00')).fileIdentity).not.toBe(base);
  });
});

describe('BAI2 fileIdentity', () => {
  it('is sender, receiver, creation date and time and file id of the 01 record, in every sample', () => {
    const expected: Record<string, string[]> = {
      'account_trailer_amount_blank_example.bai2': ['bai2', '1111', 'testcompany', '210101', '0101', '010101010101'],
      'citi_example.bai2': ['bai2', 'CITIDIRECT', '8888888', '150716', '0713', '00131100'],
      'nwb_example.bai2': ['bai2', 'NWBKGB2L', '9876543', '100215', '14:59:35', '2215'],
      'svb_us_example.bai2': ['bai2', '121140399', '121140399', '230214', '0754', '1'],
    };
    const samples = fs.readdirSync(path.join(bank, 'samples/bai2')).filter((name) => name.endsWith('.bai2'));
    expect(samples.sort()).toEqual(Object.keys(expected).sort());
    for (const name of samples) {
      const original = read(`samples/bai2/${name}`);
      expect(identityOf(original), name).toEqual(expected[name]);
      expect(identityOf(crlf(original)), `${name} with CRLF`).toEqual(expected[name]);
    }
  });

  it('differs for another file id or creation time; none without a file id', () => {
    const bai2 = (header: string) => [header, '02,R,S,1,260301,,USD,2/', '03,A,,/', '16,399,100,,B,,/', '49,100,3/', '98,100,1,5/', '99,100,1,7/'].join('\n');
    const base = readStatementFile(bai2('01,S,R,260302,0800,F1,,,2/')).fileIdentity;
    expect(JSON.parse(base!)).toEqual(['bai2', 'S', 'R', '260302', '0800', 'F1']);
    expect(readStatementFile(bai2('01,S,R,260302,0800,F2,,,2/')).fileIdentity).not.toBe(base);
    expect(readStatementFile(bai2('01,S,R,260302,0801,F1,,,2/')).fileIdentity).not.toBe(base);
    expect(readStatementFile(bai2('01,S,R,260302,0800,,,,2/')).fileIdentity).toBeNull();
  });
});

describe('CSV fileIdentity', () => {
  it('is none: the export names no statement, its content stands for it', () => {
    expect(readStatementFile(read('customer-payments.csv')).fileIdentity).toBeNull();
  });
});
