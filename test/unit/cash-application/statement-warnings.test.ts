/**
 * Warnings reach finance (issue 17): a statement file read with deviations that do not touch money
 * (no :28C:, an interim report, balances that do not reconcile) is applied, and the upload's
 * answer and `GET /remittances/{id}` list each warning with its place; a file without any lists
 * none.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { aCustomer } from '../../support/builders';
import { cashWorld, type CashWorld } from '../../support/in-memory-cash';
import { getStatement, uploadStatement } from '../../../lambdas/core/cash-application/remittances';

let world: CashWorld;

beforeEach(() => {
  world = cashWorld({ start: '2026-03-12T09:00:00Z' });
  world.customers.seed(aCustomer({ customerId: 'C-1', name: 'Acme Retail GmbH' }));
});

const mt940 = (closing: string, number: string | null) =>
  [':20:STARTUMS', ':25:DE44500105175407324931', ...(number ? [`:28C:${number}`] : []), ':60F:C260310EUR100,00', ':61:2603100310C25,00NTRFNONREF', ':86:166?00GUTSCHRIFT?20SVWZ+March', `:62F:${closing}`, '-'].join('\n');

describe('warnings of a statement file', () => {
  it('are listed in the upload answer and on the statement, with their place', async () => {
    // Act: a statement without :28C: whose closing balance is 1.00 off
    const outcome = await uploadStatement(world.remittanceDeps, mt940('C260310EUR126,00', null));

    // Assert: read and applied, both deviations listed in the answer and on GET
    expect(outcome.complete).toBe(true);
    expect(outcome.body.total).toBe(1);
    const expected = [
      { code: 'missing-statement-number', message: 'line 1 (record :20:): statement STARTUMS has no :28C: statement number' },
      {
        code: 'not-reconciled',
        message: 'statement STARTUMS/ of account DE44500105175407324931 does not reconcile: opening balance 10000 + credits - debits = 12500, closing balance 12600 (minor units)',
      },
    ];
    expect(outcome.body.warnings).toEqual(expected);
    const shown = await getStatement(world.remittanceDeps, outcome.body.statementId, {});
    expect(shown.warnings).toEqual(expected);
  });

  it('are an empty list for a file that reads without deviation', async () => {
    const outcome = await uploadStatement(world.remittanceDeps, mt940('C260310EUR125,00', '1/1'));
    expect(outcome.body.warnings).toEqual([]);
    expect((await getStatement(world.remittanceDeps, outcome.body.statementId, {})).warnings).toEqual([]);
  });
});
