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
    // Every execution starts at CheckCreditAndWaitForShipment; one that continues an execution near its year is caught there and resumes where that one waited.
    expect(graph.startAt).toBe('CheckCreditAndWaitForShipment');
    expect(graph.nodes.map((n) => n.id)).toContain('AwaitCreditDecision');
    expect(graph.nodes.filter((n) => n.terminal).map((n) => n.id).sort()).toEqual(['AwaitOrderSettlement', 'CompleteOrder', 'ContinuedInNewExecution', 'OrderCancelled', 'OrderRejected', 'StepUnknown']);
  });

  it('draws Next, every choice, the default and the catches, naming what takes each way', () => {
    const from = (id: string) => graph.edges.filter((e) => e.from === id).map((e) => [e.kind, e.to, e.label]);
    expect(from('CheckCreditAndWaitForShipment')).toEqual([
      ['next', 'InvoiceShipment', ''],
      ['catch', 'AwaitCreditDecision', 'CreditHold'],
      ['catch', 'OrderRejected', 'CreditRejected'],
      ['catch', 'ResumeWaiting', 'ExecutionContinued'],
      ['catch', 'OrderCancelled', 'OrderCancelled'],
      ['catch', 'CheckCreditAndWaitForShipmentLapsed', 'States.Timeout'],
      ['catch', 'CheckCreditAndWaitForShipmentFailed', 'States.ALL'],
    ]);
    expect(from('DidFinanceApprove')).toEqual([
      ['choice', 'WaitForShipment', 'creditDecision.decision = approve'],
      ['default', 'OrderRejected', 'otherwise'],
    ]);
  });

  it('gives the path an execution took, a loop counted once per edge', () => {
    const visited = ['CheckCreditAndWaitForShipment', 'InvoiceShipment', 'AwaitOrderSettlement', 'WaitForNextShipment', 'InvoiceShipment', 'AwaitOrderSettlement', 'CompleteOrder'];
    const taken = pathTaken(graph, visited).map((e) => `${e.from}>${e.to}`);
    expect(taken).toEqual([
      'CheckCreditAndWaitForShipment>InvoiceShipment',
      'InvoiceShipment>AwaitOrderSettlement',
      'AwaitOrderSettlement>WaitForNextShipment',
      'WaitForNextShipment>InvoiceShipment',
      'AwaitOrderSettlement>CompleteOrder',
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
