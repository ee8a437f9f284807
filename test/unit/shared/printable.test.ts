import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { printable } from '../../../shared/printable.js';

/** What a terminal may act on: C0 (newline and tab included, unless kept), DEL, C1, bidi controls. */
const BIDI = [0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069];
const isControl = (code: number) => code < 0x20 || (code >= 0x7f && code <= 0x9f) || BIDI.includes(code);
const controlsIn = (text: string) => [...text].filter((ch) => isControl(ch.codePointAt(0) ?? 0));

describe('printable: untrusted text on a terminal', () => {
  it('shows escape sequences as text instead of letting them retitle or clear the terminal', () => {
    expect(printable('\u001b]0;owned\u0007')).toBe('\\x1b]0;owned\\x07');
    expect(printable('x\u001b[2Jy')).toBe('x\\x1b[2Jy');
    expect(printable('one-byte CSI \u009b31m')).toBe('one-byte CSI \\x9b31m');
    expect(printable('DEL\u007f NUL\u0000')).toBe('DEL\\x7f NUL\\x00');
    expect(printable('abc\u202edef')).toBe('abc\\u202edef');
  });

  it('keeps a table cell on one row, and a block of lines as lines', () => {
    expect(printable('a\nb\tc\rd')).toBe('a\\x0ab\\x09c\\x0dd');
    expect(printable('a\nb\tc\rd', { lines: true })).toBe('a\nb\tc\\x0dd');
  });

  it('leaves ordinary text alone, accents, emoji and Windows paths included', () => {
    expect(printable('Router A failed: C:\\ICM\\logs — é ✓ 😀')).toBe(
      'Router A failed: C:\\ICM\\logs — é ✓ 😀',
    );
  });

  it('never lets a control character through, and changes nothing twice', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const once = printable(text);
        expect(controlsIn(once)).toEqual([]);
        expect(printable(once)).toBe(once);
      }),
    );
    // A hundred binary strings take milliseconds; the margin is for a machine busy with other suites.
  }, 20_000);
});
