import { describe, expect, it } from 'vitest';
import { allocate, formatAmount, isCurrency, parseAmount, MoneyError, add, money } from '../../lambdas/core/money/money';

describe('money', () => {
  it('reads decimal strings as minor units of the currency without floats', () => {
    expect(parseAmount('1234.50', 'EUR')).toEqual({ minor: 123450, currency: 'EUR' });
    expect(parseAmount('1234.5', 'EUR').minor).toBe(123450);
    expect(parseAmount('0.07', 'EUR').minor).toBe(7);
    expect(parseAmount('1500', 'JPY').minor).toBe(1500);
    expect(parseAmount('1.234', 'KWD').minor).toBe(1234);
    expect(parseAmount('-0.01', 'USD').minor).toBe(-1);
  });

  it('refuses more decimals than the currency has, and anything not a plain decimal', () => {
    expect(() => parseAmount('1.001', 'EUR')).toThrow(/more than the 2 decimals/);
    expect(() => parseAmount('1.5', 'JPY')).toThrow(MoneyError);
    for (const bad of ['1e3', '1,50', ' 1', '', '.5', '1.', 'abc', '0x10']) {
      expect(() => parseAmount(bad, 'EUR'), bad).toThrow(MoneyError);
    }
    expect(() => parseAmount('1.00', 'ABC')).toThrow(/not an ISO 4217/);
  });

  it('writes minor units with exactly the currency decimals', () => {
    expect(formatAmount({ minor: 123450, currency: 'EUR' })).toBe('1234.50');
    expect(formatAmount({ minor: 5, currency: 'EUR' })).toBe('0.05');
    expect(formatAmount({ minor: -5, currency: 'EUR' })).toBe('-0.05');
    expect(formatAmount({ minor: 1500, currency: 'JPY' })).toBe('1500');
    expect(formatAmount({ minor: 1, currency: 'KWD' })).toBe('0.001');
  });

  it('knows real currencies and refuses metals, test codes and lower case', () => {
    expect(isCurrency('EUR')).toBe(true);
    expect(isCurrency('XOF')).toBe(true);
    expect(isCurrency('XAU')).toBe(false);
    expect(isCurrency('XXX')).toBe(false);
    expect(isCurrency('eur')).toBe(false);
  });

  it('never adds different currencies', () => {
    expect(() => add(money(1, 'EUR'), money(1, 'USD'))).toThrow(/Cannot combine EUR and USD/);
  });

  it('allocates by largest remainder, deterministically and exactly', () => {
    expect(allocate(money(100, 'EUR'), [1, 1, 1]).map((m) => m.minor)).toEqual([34, 33, 33]);
    expect(allocate(money(5, 'EUR'), [3, 7]).map((m) => m.minor)).toEqual([2, 3]);
    expect(allocate(money(-100, 'EUR'), [1, 1, 1]).map((m) => m.minor)).toEqual([-34, -33, -33]);
    const parts = allocate(money(999_999_999, 'JPY'), [13, 17, 19, 23]);
    expect(parts.reduce((a, p) => a + p.minor, 0)).toBe(999_999_999);
  });
});
