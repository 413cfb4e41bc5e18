import { runTsx } from '../../support/run-command';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const OPEN_ITEMS = `invoice_number,customer_id,customer_name,currency,balance,issue_date,due_date,rf_reference
INV-2026-000123,C-1,Acme Trading GmbH,EUR,250.00,2026-01-15,2026-02-14,RF18539007547034
INV-2026-000124,C-1,Acme Trading GmbH,EUR,99.90,2026-01-20,2026-02-19,
INV-2026-000200,C-2,Beta Oy,EUR,500.00,2026-01-20,2026-02-19,
INV-2026-000201,C-2,Beta Oy,EUR,500.00,2026-01-21,2026-02-20,
`;
const CUSTOMERS = `customer_id,name,known_accounts
C-1,Acme Trading GmbH,DE89370400440532013000
C-2,Beta Oy,FI2112345600000785;FI5542345670000081
`;
const STATEMENT = `date,amount,currency,reference,payer_name,payer_account
2026-03-02,250.00,EUR,RF18 5390 0754 7034,Acme Trading,DE89370400440532013000
2026-03-02,-12.00,EUR,Bank fee,,
2026-03-02,100.00,EUR,"Payment inv2026124, thanks",ACME,
2026-03-03,500.00,EUR,Monthly,Beta Oy,FI2112345600000785
2026-03-03,7.00,USD,INV-2026-000200,Beta Oy,
`;

function run(args: string[]) {
  return runTsx('bin/cashapp.ts', args);
}

describe('cashapp command line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cashapp-'));
  writeFileSync(join(dir, 'open.csv'), OPEN_ITEMS);
  writeFileSync(join(dir, 'customers.csv'), CUSTOMERS);
  writeFileSync(join(dir, 'statement.csv'), STATEMENT);

  it('writes one JSON object per credit line and a summary', async () => {
    const out = join(dir, 'out.jsonl');
    const result = await run(['--open-items', join(dir, 'open.csv'), '--customers', join(dir, 'customers.csv'), '--statement', join(dir, 'statement.csv'), '--out', out]);
    expect(result.stderr).toMatch(/4 credit lines \(1 debit lines skipped\): 2 applied, 1 suggested, 1 unapplied/);
    expect(result.status).toBe(0);
    const records = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.map((r) => [r.line_id, r.status, r.allocations])).toEqual([
      ['line-1', 'applied', [{ invoice_number: 'INV-2026-000123', amount: '250.00' }]],
      ['line-3', 'applied', [{ invoice_number: 'INV-2026-000124', amount: '99.90' }]],
      ['line-4', 'suggested', []],
      ['line-5', 'unapplied', []],
    ]);
    expect(records[1]).toMatchObject({ amount: '100.00', currency: 'EUR', customer_id: 'C-1', unapplied_amount: '0.00', on_account_amount: '0.10' });
    expect(records[2]!.candidates).toEqual(['INV-2026-000200', 'INV-2026-000201']);
    for (const record of records) {
      expect(typeof record.confidence).toBe('number');
      expect((record.reasons as string[]).length).toBeGreaterThan(0);
    }
  });

  it('writes to stdout without --out', async () => {
    const result = await run(['--open-items', join(dir, 'open.csv'), '--statement', join(dir, 'statement.csv')]);
    expect(result.status).toBe(0);
    expect(result.stdout.trim().split('\n')).toHaveLength(4);
  });

  it('stops with exit code 2 on a bad row, naming file, line and field', async () => {
    writeFileSync(join(dir, 'bad.csv'), OPEN_ITEMS.replace('99.90', '99,9O'));
    const result = await run(['--open-items', join(dir, 'bad.csv'), '--statement', join(dir, 'statement.csv')]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/bad\.csv line 3/);
    writeFileSync(join(dir, 'bad2.csv'), OPEN_ITEMS.replace('2026-01-20,2026-02-19,\nINV-2026-000200', '2026-01-20,2026-02-31,\nINV-2026-000200'));
    const dates = await run(['--open-items', join(dir, 'bad2.csv'), '--statement', join(dir, 'statement.csv')]);
    expect(dates.status).toBe(2);
    expect(dates.stderr).toMatch(/bad2\.csv line 3, field due_date: "2026-02-31" is not a date/);
    writeFileSync(join(dir, 'dup.csv'), `${OPEN_ITEMS}INV-2026-000123,C-1,Acme,EUR,1.00,2026-01-15,2026-02-14,\n`);
    const duplicate = await run(['--open-items', join(dir, 'dup.csv'), '--statement', join(dir, 'statement.csv')]);
    expect(duplicate.status).toBe(2);
    expect(duplicate.stderr).toMatch(/dup\.csv line 6: open item 5 \(INV-2026-000123\): invoiceId "INV-2026-000123" appears twice/);
  });

  it('stops with exit code 2 on a statement that does not parse, and on usage errors', async () => {
    writeFileSync(join(dir, 'broken.csv'), 'date,amount,currency,reference,payer_name,payer_account\n2026-03-02,12.3.4,EUR,x,,\n');
    const broken = await run(['--open-items', join(dir, 'open.csv'), '--statement', join(dir, 'broken.csv')]);
    expect(broken.status).toBe(2);
    expect(broken.stderr).toMatch(/broken\.csv/);
    expect((await run(['--statement', join(dir, 'statement.csv')])).status).toBe(2);
    expect((await run(['--open-items', join(dir, 'missing.csv'), '--statement', join(dir, 'statement.csv')])).stderr).toMatch(/missing\.csv: no such file/);
  });
});
