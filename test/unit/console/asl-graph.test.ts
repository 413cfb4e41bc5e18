/** The console draws the product's own state machines from their ASL: every way out of every state. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aslGraph, describeChoiceRule, pathTaken } from '../../../lib/console/src/asl-graph';
import { repositoryRoot } from '../../../lib/constructs/repository';

const asl = (file: string): unknown => JSON.parse(readFileSync(join(repositoryRoot, 'statemachines', file), 'utf8'));

describe('aslGraph', () => {
  const graph = aslGraph(asl('order-lifecycle.asl.json'));

  it('has one node per state of the order lifecycle, the terminal ones marked', () => {
    // A new execution starts at CheckCredit; one that continues an execution near its year resumes where that one waited.
    expect(graph.startAt).toBe('IsContinuedExecution');
    expect(graph.edges.filter((e) => e.from === 'IsContinuedExecution').map((e) => [e.kind, e.to])).toEqual([
      ['choice', 'ResumeWaiting'],
      ['default', 'CheckCredit'],
    ]);
    expect(graph.nodes.map((n) => n.id)).toContain('AwaitCreditDecision');
    expect(graph.nodes.filter((n) => n.terminal).map((n) => n.id).sort()).toEqual(['ContinuedInNewExecution', 'OrderCancelled', 'OrderCompleted', 'OrderRejected', 'StepUnknown']);
  });

  it('draws Next, every choice, the default and the catches, naming what takes each way', () => {
    const from = (id: string) => graph.edges.filter((e) => e.from === id).map((e) => [e.kind, e.to, e.label]);
    expect(from('IsCreditApproved')).toEqual([
      ['choice', 'WaitForShipment', 'credit.decision = APPROVED'],
      ['choice', 'AwaitCreditDecision', 'credit.decision = HOLD'],
      ['default', 'OrderRejected', 'otherwise'],
    ]);
    expect(from('CheckCredit')).toEqual([
      ['next', 'IsCreditApproved', ''],
      ['catch', 'OrderCancelled', 'OrderCancelled'],
      ['catch', 'CheckCreditFailed', 'States.ALL'],
    ]);
  });

  it('gives the path an execution took, a loop counted once per edge', () => {
    const visited = ['CheckCredit', 'IsCreditApproved', 'WaitForShipment', 'IssueInvoice', 'SendInvoiceByEmail', 'TrackInvoicePayment', 'IsEverythingShipped', 'WaitForShipment', 'IssueInvoice'];
    const taken = pathTaken(graph, visited).map((e) => `${e.from}>${e.to}`);
    expect(taken).toEqual([
      'CheckCredit>IsCreditApproved',
      'IsCreditApproved>WaitForShipment',
      'WaitForShipment>IssueInvoice',
      'IssueInvoice>SendInvoiceByEmail',
      'SendInvoiceByEmail>TrackInvoicePayment',
      'TrackInvoicePayment>IsEverythingShipped',
      'IsEverythingShipped>WaitForShipment',
    ]);
  });

  it('reads every machine of the product', () => {
    for (const file of ['invoice-settlement.asl.json', 'order-lifecycle.asl.json']) expect(aslGraph(asl(file)).nodes.length).toBeGreaterThan(3);
  });

  it('describes compound choice rules and refuses what is not a definition', () => {
    expect(describeChoiceRule({ And: [{ Variable: '$.a', NumericGreaterThan: 1 }, { Not: { Variable: '$.b', IsPresent: true } }] })).toBe('a > 1 and not (b present)');
    expect(() => aslGraph({ States: {} })).toThrow('StartAt');
  });
});
