/**
 * Format detection runs in linear time on hostile input: about 1 MB built against each regular
 * expression of the detection path (repeated `:20:` prefixes, long lines without line breaks,
 * runs of white space, `<Document ` without `>`, deeply repeated XML-like text) is read or refused
 * with a StatementParseError within a generous budget. The budget is enforced by running the read
 * in a `vm` script with a timeout, which interrupts a backtracking regular expression (a plain
 * test timeout cannot stop synchronous code: before the fix, `<Document ` repeated and `:20:`
 * followed by a megabyte of spaces ran for far longer than a minute). Times per size:
 * `npx tsx test/benchmarks/statement-detection.ts`.
 */
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { detect, DETECTION_HOSTILE_SIZE, hostileDetectionInputs } from '../../benchmarks/statement-detection';
import { camtNamespace } from '../../../lambdas/core/bank-statements/camt';

/** Linear time takes well under a second here; the budget leaves room for a loaded machine. */
const BUDGET_MS = 5_000;

/** `detect(content)`, interrupted (and failing the test) when it takes more than `BUDGET_MS`. */
function detectWithin(content: string): ReturnType<typeof detect> {
  let outcome: ReturnType<typeof detect> | undefined;
  vm.runInNewContext('run()', { run: () => (outcome = detect(content)) }, { timeout: BUDGET_MS });
  return outcome!;
}

describe('format detection on about 1 MB of hostile input', () => {
  const inputs = hostileDetectionInputs();

  it.each(Object.keys(inputs))('%s: read or refused within the budget', (name) => {
    const content = inputs[name]!;
    expect(content.length).toBeGreaterThan(DETECTION_HOSTILE_SIZE * 0.9);

    const outcome = detectWithin(content);

    expect('refused' in outcome ? outcome.refused : outcome.format).not.toBe('');
  }, 60_000);

  it('refuses the XML-like inputs as not camt, and reads MT940 fields after a megabyte of trailing spaces', () => {
    expect(detectWithin(inputs['"<Document " repeated without ">"']!)).toEqual({ refused: expect.stringContaining('not a camt.052, camt.053 or camt.054 statement (root namespace missing)') });
    expect(detectWithin(inputs['"<a:Document a" repeated without ">"']!)).toEqual({ refused: expect.stringContaining('root namespace missing') });
    // The spaces are trimmed as before: the statement named "x" is refused, having nothing but its :20:.
    expect(detectWithin(inputs['":20:" then a line of spaces ending in a letter']!)).toEqual({ refused: expect.stringContaining('statement x has no balance and no statement line') });
  }, 60_000);

  it('the guard itself interrupts a read that takes too long', () => {
    expect(() => vm.runInNewContext('run()', { run: () => /^(a+)+$/.test(`${'a'.repeat(40)}!`) }, { timeout: 200 })).toThrow(/timed out/);
  });
});

describe('camtNamespace', () => {
  it('is the namespace of the root element only, with or without a prefix, after a prolog', () => {
    expect(camtNamespace('<?xml version="1.0"?>\n<!-- bank -->\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><x/></Document>')).toBe(
      'urn:iso:std:iso:20022:tech:xsd:camt.053.001.08',
    );
    expect(camtNamespace('<ns2:Document xmlns:ns2="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02"/>')).toBe('urn:iso:std:iso:20022:tech:xsd:camt.054.001.02');
    // A Document further in is not the root.
    expect(camtNamespace('<Wrapper><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"/></Wrapper>')).toBeNull();
    // In an envelope, the Document after the business application header (AppHdr) is the message.
    expect(camtNamespace('<Envelope xmlns="urn:swift:xsd:envelope"><AppHdr xmlns="urn:iso:std:iso:20022:tech:xsd:head.001.001.02"><x/></AppHdr><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"/></Envelope>')).toBe(
      'urn:iso:std:iso:20022:tech:xsd:camt.053.001.08',
    );
    // A doctype with an internal subset is skipped whole (the camt reader then refuses the doctype).
    expect(camtNamespace('<!DOCTYPE Document [<!ENTITY a "aaaa">]>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"/>')).toBe('urn:iso:std:iso:20022:tech:xsd:camt.053.001.02');
  });
});
