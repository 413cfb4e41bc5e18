import { describe, expect, it } from 'vitest';
import {
  DEFAULT_POLICY,
  EU_LATE_PAYMENT_POLICY,
  UK_LATE_PAYMENT_POLICY,
  effectivePolicies,
  microsToPercent,
  percentToMicros,
  policyFromRequest,
  policyView,
  resolvePolicy,
} from '../../../lambdas/core/dunning/policy';
import { ValidationError } from '../../../lambdas/core/errors';

const now = new Date('2026-05-01T08:00:00Z');

function problemsOf(body: unknown): { field: string; problem: string }[] {
  try {
    policyFromRequest('custom', body, now);
  } catch (error) {
    if (error instanceof ValidationError) return [...error.problems];
    throw error;
  }
  throw new Error('the policy was accepted');
}

const validBody = () => policyView(DEFAULT_POLICY) as unknown as Record<string, unknown> & { levels: Record<string, unknown>[] };

function body(overrides: Record<string, unknown> = {}) {
  const { policyId: _p, builtIn: _b, updatedAt: _u, ...rest } = validBody();
  return { ...rest, ...overrides };
}

describe('the default policy', () => {
  it('is exactly the product default: grace 3, levels at 3/17/31/45 days, 7 days apart, collector last, 5.00 minimum, no fees or interest', () => {
    expect(DEFAULT_POLICY.graceDays).toBe(3);
    expect(DEFAULT_POLICY.levels.map((l) => [l.level, l.daysPastDue, l.minDaysSincePrevious, l.action, l.template])).toEqual([
      [1, 3, 7, 'letter', 'friendly-reminder'],
      [2, 17, 7, 'letter', 'firm-reminder'],
      [3, 31, 7, 'letter', 'final-notice'],
      [4, 45, 7, 'collector', 'none'],
    ]);
    expect(DEFAULT_POLICY.minimumAmountsMinor).toEqual({ EUR: 500, USD: 500, GBP: 500 });
    expect(DEFAULT_POLICY.levels.every((l) => Object.keys(l.feesMinor).length === 0)).toBe(true);
    expect(DEFAULT_POLICY.interest).toBeNull();
    expect(DEFAULT_POLICY.compensation).toBeNull();
  });

  it('round-trips through its API view', () => {
    const again = policyFromRequest('default', body(), now);
    expect({ ...again, updatedAt: null }).toEqual(DEFAULT_POLICY);
  });

  it('statutory policies round-trip too, with their rate tables', () => {
    for (const policy of [EU_LATE_PAYMENT_POLICY, UK_LATE_PAYMENT_POLICY]) {
      const { policyId: _p, builtIn: _b, updatedAt: _u, ...rest } = policyView(policy);
      expect({ ...policyFromRequest(policy.policyId, rest, now), updatedAt: null }).toEqual(policy);
    }
  });
});

describe('policy validation names the field', () => {
  it('refuses levels out of order', () => {
    const levels = validBody().levels;
    const swapped = [levels[1], levels[0], levels[2], levels[3]];
    const problems = problemsOf(body({ levels: swapped }));
    expect(problems).toContainEqual({ field: 'levels[0].level', problem: 'must be 1: levels are numbered 1, 2, 3, ... in order' });
    expect(problems).toContainEqual(expect.objectContaining({ field: 'levels[1].daysPastDue' }));
  });

  it('refuses days past due that do not increase', () => {
    const levels = validBody().levels.map((l, i) => (i === 2 ? { ...l, daysPastDue: 17 } : l));
    expect(problemsOf(body({ levels }))).toEqual([
      { field: 'levels[2].daysPastDue', problem: 'must be more than 17, the days past due of level 2: levels must be in order' },
    ]);
  });

  it('refuses negative days', () => {
    expect(problemsOf(body({ graceDays: -1 }))).toContainEqual({ field: 'graceDays', problem: 'must not be negative' });
    const levels = validBody().levels.map((l, i) => (i === 1 ? { ...l, minDaysSincePrevious: -7 } : l));
    expect(problemsOf(body({ levels }))).toContainEqual({ field: 'levels[1].minDaysSincePrevious', problem: 'must not be negative' });
  });

  it('refuses an unknown currency in minimum amounts and fees', () => {
    expect(problemsOf(body({ minimumAmounts: { EUR: '5.00', EUX: '5.00' } }))).toEqual([{ field: 'minimumAmounts.EUX', problem: '"EUX" is not an ISO 4217 currency code' }]);
    const levels = validBody().levels.map((l, i) => (i === 0 ? { ...l, fees: { ABC: '1.00' } } : l));
    expect(problemsOf(body({ levels }))).toEqual([{ field: 'levels[0].fees.ABC', problem: '"ABC" is not an ISO 4217 currency code' }]);
  });

  it('refuses too many decimals and a first level inside the grace days', () => {
    expect(problemsOf(body({ minimumAmounts: { JPY: '5.5' } }))).toEqual([{ field: 'minimumAmounts.JPY', problem: '"5.5" has more than the 0 decimals JPY allows' }]);
    expect(problemsOf(body({ graceDays: 5 }))).toEqual([{ field: 'levels[0].daysPastDue', problem: 'must be at least graceDays (5)' }]);
  });

  it('refuses reference rates out of date order and a collector level before the last', () => {
    const { policyId: _p, builtIn: _b, updatedAt: _u, ...eu } = policyView(EU_LATE_PAYMENT_POLICY);
    const rates = [{ from: '2025-06-11', rate: '2.15' }, { from: '2025-01-01', rate: '3.00' }];
    expect(problemsOf({ ...eu, interest: { ...eu.interest, rates } })).toEqual([
      { field: 'interest.rates[1].from', problem: 'must be after 2025-06-11: rates are listed in date order' },
    ]);
    const levels = validBody().levels.map((l, i) => (i === 1 ? { ...l, action: 'collector' } : l));
    expect(problemsOf(body({ levels }))).toContainEqual({ field: 'levels[1].action', problem: 'collector must be the last level' });
  });
});

describe('rates as integers', () => {
  it('reads and writes percentages without floats', () => {
    expect(percentToMicros('2.15')).toBe(21_500);
    expect(percentToMicros('8')).toBe(80_000);
    expect(percentToMicros('0.125')).toBe(1_250);
    expect(microsToPercent(21_500)).toBe('2.15');
    expect(microsToPercent(1_250)).toBe('0.125');
    expect(microsToPercent(80_000)).toBe('8.00');
  });
});

describe('which policy applies', () => {
  const policies = effectivePolicies([]);
  it('takes the invoice override, then the customer, then the default', () => {
    expect(resolvePolicy(policies, 'uk-late-payment', { dunningPolicyId: 'eu-late-payment', isConsumer: false }).policy.policyId).toBe('uk-late-payment');
    expect(resolvePolicy(policies, null, { dunningPolicyId: 'eu-late-payment', isConsumer: false }).policy.policyId).toBe('eu-late-payment');
    expect(resolvePolicy(policies, null, { dunningPolicyId: 'default', isConsumer: false }).policy.policyId).toBe('default');
  });

  it('never applies a statutory policy to a consumer', () => {
    const resolved = resolvePolicy(policies, null, { dunningPolicyId: 'eu-late-payment', isConsumer: true });
    expect(resolved.policy.policyId).toBe('default');
    expect(resolved.note).toMatch(/business customers only/);
  });

  it('falls back to the default for an unknown policy id, and a stored policy replaces the built-in', () => {
    expect(resolvePolicy(policies, 'nope', { dunningPolicyId: 'default', isConsumer: false }).note).toMatch(/does not exist/);
    const stored = { ...DEFAULT_POLICY, graceDays: 5, updatedAt: now.toISOString() };
    expect(effectivePolicies([stored]).get('default')?.graceDays).toBe(5);
  });
});
