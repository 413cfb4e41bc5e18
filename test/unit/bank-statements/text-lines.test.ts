/**
 * `TextLines` (the line splitter of the streaming MT940 and BAI2 readers) gives the lines
 * `text.split(/\r\n|\r|\n/)` gives, numbered from 1, however the text is cut into chunks; a byte
 * order mark at the start is no text; a line past the limit is refused with its number.
 */
import { describe, expect, it } from 'vitest';
import { TextLines } from '../../../lambdas/core/bank-statements/text-lines';
import { StatementParseError } from '../../../lambdas/core/bank-statements/statement';

function linesOf(chunks: readonly string[], max?: number): [string, number][] {
  const lines: [string, number][] = [];
  const splitter = new TextLines((text, line) => void lines.push([text, line]), max);
  for (const chunk of chunks) splitter.write(chunk);
  splitter.end();
  return lines;
}

const texts = ['a\r\nb\rc\n\nd', '\r\r\n\n\r', 'one line', '', '\uFEFF:20:X\r\n:25:Y\r\n', 'x\r', 'ü\r\nß\n€'];

describe('TextLines', () => {
  for (const text of texts) {
    it(`splits ${JSON.stringify(text)} as split(/\\r\\n|\\r|\\n/) does, cut at every pair of places`, () => {
      const expected = text
        .replace(/^\uFEFF/, '')
        .split(/\r\n|\r|\n/)
        .map((line, i): [string, number] => [line, i + 1]);
      expect(linesOf([text])).toEqual(expected);
      for (let a = 0; a <= text.length; a++) {
        for (let b = a; b <= text.length; b++) {
          expect(linesOf([text.slice(0, a), text.slice(a, b), text.slice(b)])).toEqual(expected);
        }
      }
    });
  }

  it('hands out each line as soon as its line end arrives', () => {
    const seen: string[] = [];
    const splitter = new TextLines((text) => void seen.push(text));
    splitter.write(':20:X\n:2');
    expect(seen).toEqual([':20:X']);
    splitter.write('5:Y\r');
    expect(seen).toEqual([':20:X', ':25:Y']);
    splitter.write('\n');
    splitter.end();
    expect(seen).toEqual([':20:X', ':25:Y', '']);
  });

  it('refuses a line longer than the limit, naming its number, before holding more of it', () => {
    const splitter = new TextLines(() => undefined, 10);
    splitter.write('short\n0123456789\n');
    expect(() => splitter.write('01234')).not.toThrow();
    let error: unknown;
    try {
      splitter.write('567890');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(StatementParseError);
    expect((error as StatementParseError).message).toBe('line 3: the line is longer than 10 characters: no statement line is that long; the file is refused');
    expect((error as StatementParseError).location).toEqual({ line: 3 });
  });
});
