/**
 * `npm run cashapp` on MT940 and BAI2 statements (read line by line since issue 15): the same
 * payments as the CSV statement of `cli.test.ts` give the same results where the format carries
 * the same facts; a Windows-1252 MT940 keeps its umlauts; a BAI2 file whose control total is broken
 * stops with exit code 2 naming the line, and leaves no result file (the lines matched before the
 * trailer are not kept).
 */
import { runTsx } from '../../support/run-command';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const OPEN_ITEMS = `invoice_number,customer_id,customer_name,currency,balance,issue_date,due_date,rf_reference
INV-2026-000123,C-1,Acme Trading GmbH,EUR,250.00,2026-01-15,2026-02-14,RF18539007547034
INV-2026-000124,C-1,Acme Trading GmbH,EUR,99.90,2026-01-20,2026-02-19,
INV-2026-000200,C-2,Beta Oy,EUR,500.00,2026-01-20,2026-02-19,
INV-2026-000201,C-2,Beta Oy,EUR,500.00,2026-01-21,2026-02-20,
INV-2026-000300,C-3,Müller Bäckerei,EUR,80.00,2026-01-21,2026-02-20,
`;
const CUSTOMERS = `customer_id,name,known_accounts
C-1,Acme Trading GmbH,DE89370400440532013000
C-2,Beta Oy,FI2112345600000785;FI5542345670000081
C-3,Müller Bäckerei,
`;
const MT940 = [
  ':20:STMT-1',
  ':25:DE12500105170648489890',
  ':28C:1/1',
  ':60F:C260301EUR0,00',
  ':61:2603020302C250,00NTRFNONREF//L1',
  ':86:166?00GUTSCHRIFT?20SVWZ+RF18 5390 0754 7034?31DE8937040044',
  '0532013000?32Acme Trading',
  ':61:2603020302D12,00NCHGNONREF//L2',
  ':86:805?00ENTGELT?20Bank fee',
  ':61:2603020302C100,00NTRFNONREF//L3',
  ':86:166?00GUTSCHRIFT?20SVWZ+Payment inv2026124, thanks?32ACME',
  ':61:2603030303C500,00NTRFNONREF//L4',
  ':86:166?00GUTSCHRIFT?20SVWZ+Monthly?31FI2112345600000785?32Beta Oy',
  ':61:2603030303C80,00NTRFNONREF//L6',
  ':86:166?00GUTSCHRIFT?20SVWZ+INV-2026-000300?32Müller Bäckerei',
  ':62F:C260303EUR918,00',
  '-',
  ':20:STMT-2',
  ':25:DE12500105170648489890',
  ':28C:2/1',
  ':60F:C260301USD0,00',
  ':61:2603030303C7,00NTRFNONREF//L5',
  ':86:166?00GUTSCHRIFT?20SVWZ+INV-2026-000200?32Beta Oy',
  ':62F:C260303USD7,00',
  '-',
].join('\r\n');
const BAI2 = (total: number) =>
  [
    '01,BANK,CUSTOMER,260303,0800,F-1,80,,2/',
    '02,CUSTOMER,BANK,1,260302,,EUR,2/',
    '03,DE12500105170648489890,EUR/',
    '16,195,25000,Z,L1,,RF18 5390 0754 7034',
    '88,ACME TRADING',
    '16,495,1200,Z,L2,,Bank fee',
    '16,195,10000,Z,L3,,Payment inv2026124, thanks',
    `49,${total},6/`,
    `98,${total},1,8/`,
    `99,${total},1,10/`,
  ].join('\n');

describe('cashapp on MT940 and BAI2 statements', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cashapp-mt940-bai2-'));
  writeFileSync(join(dir, 'open.csv'), OPEN_ITEMS);
  writeFileSync(join(dir, 'customers.csv'), CUSTOMERS);
  const cashapp = (statement: string, out: string) =>
    runTsx('bin/cashapp.ts', ['--open-items', join(dir, 'open.csv'), '--customers', join(dir, 'customers.csv'), '--statement', join(dir, statement), '--out', join(dir, out)]);
  const records = (out: string) =>
    readFileSync(join(dir, out), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { line_id: string; status: string; allocations: unknown[]; reasons: string[] });

  it('MT940 (Windows-1252, CR LF, two statements): the results of the same CSV lines, umlauts intact', async () => {
    writeFileSync(join(dir, 'statement.sta'), Buffer.from(MT940, 'latin1'));
    const result = await cashapp('statement.sta', 'mt940.jsonl');
    expect(result.stderr).toMatch(/statement statement\.sta \(mt940\): 6 lines read/);
    expect(result.stderr).toMatch(/5 credit lines \(1 debit lines skipped\): 3 applied, 1 suggested, 1 unapplied/);
    expect(result.status).toBe(0);
    expect(records('mt940.jsonl').map((r) => [r.line_id, r.status, r.allocations])).toEqual([
      ['L1', 'applied', [{ invoice_number: 'INV-2026-000123', amount: '250.00' }]],
      ['L3', 'applied', [{ invoice_number: 'INV-2026-000124', amount: '99.90' }]],
      ['L4', 'suggested', []],
      ['L6', 'applied', [{ invoice_number: 'INV-2026-000300', amount: '80.00' }]],
      ['L5', 'unapplied', []],
    ]);
    expect(records('mt940.jsonl')[3]!.reasons).toContain('payer name "Müller Bäckerei" is known for C-3');
  });

  it('BAI2: the lines with a reference applied', async () => {
    writeFileSync(join(dir, 'statement.bai'), BAI2(35000 + 1200));
    const result = await cashapp('statement.bai', 'bai2.jsonl');
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(/2 credit lines \(1 debit lines skipped\): 2 applied/);
    expect(records('bai2.jsonl').map((r) => [r.line_id, r.status])).toEqual([
      ['L1', 'applied'],
      ['L3', 'applied'],
    ]);
  });

  it('BAI2 with a broken account control total: exit code 2 naming the line, no result file', async () => {
    writeFileSync(join(dir, 'broken.bai'), BAI2(35000));
    const result = await cashapp('broken.bai', 'broken.jsonl');
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/broken\.bai: line 8 \(record 49\): account control total 35000 does not match 36200/);
    expect(existsSync(join(dir, 'broken.jsonl'))).toBe(false);
    expect(existsSync(join(dir, 'broken.jsonl.partial'))).toBe(false);
  });
});
