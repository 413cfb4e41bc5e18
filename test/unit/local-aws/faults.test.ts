import { describe, expect, it } from 'vitest';
import { InvalidFaultError, LocalFaults } from '../../../local-aws/faults';

describe('LocalFaults', () => {
  it('strikes per function and call count, then lets calls through', () => {
    const faults = new LocalFaults();
    faults.add({ kind: 'error', functionId: 'IssueInvoice', errorName: 'Lambda.ServiceException', times: 2, after: 1 });
    expect(() => faults.beforeInvoke('CheckCredit')).not.toThrow();
    expect(() => faults.beforeInvoke('IssueInvoice')).not.toThrow();
    expect(() => faults.beforeInvoke('IssueInvoice')).toThrow(expect.objectContaining({ name: 'Lambda.ServiceException' }));
    expect(() => faults.beforeInvoke('IssueInvoice')).toThrow();
    expect(() => faults.beforeInvoke('IssueInvoice')).not.toThrow();
    expect(faults.list()[0]).toMatchObject({ seen: 3, injected: 2 });
    expect(faults.log).toHaveLength(2);
  });

  it('reports a lost answer as Sandbox.Timedout after the function ran, and never faults the authorizer unless named', () => {
    const faults = new LocalFaults();
    faults.add({ kind: 'timeout' });
    expect(() => faults.afterInvoke('Authorizer', 'local-Authorizer', 10)).not.toThrow();
    expect(() => faults.afterInvoke('IssueInvoice', 'local-IssueInvoice', 10)).toThrow(expect.objectContaining({ name: 'Sandbox.Timedout' }));
  });

  it('throttles Step Functions for the service tasks and clears by id or all', async () => {
    const faults = new LocalFaults();
    const one = faults.add({ kind: 'sfn-throttle', operation: 'StartExecution' });
    faults.add({ kind: 'error', times: 0 });
    await expect(faults.beforeStepFunctionsAction('SendTaskSuccess')).resolves.toBeUndefined();
    await expect(faults.beforeStepFunctionsAction('StartExecution')).rejects.toMatchObject({ name: 'ThrottlingException' });
    expect(faults.clear(one.id)).toBe(1);
    expect(faults.clear()).toBe(1);
    expect(faults.list()).toEqual([]);
  });

  it('refuses faults it cannot inject', () => {
    const faults = new LocalFaults();
    expect(() => faults.add({ kind: 'meteor' as never })).toThrow(InvalidFaultError);
    expect(() => faults.add({ kind: 'error', functionId: 'Nope' as never })).toThrow(/functionId/);
    expect(() => faults.add({ kind: 'error', times: -1 })).toThrow(/times/);
    expect(() => faults.add({ kind: 'sfn-slow', delayMs: 120_000 })).toThrow(/delayMs/);
  });
});
