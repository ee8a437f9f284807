import { describe, expect, it } from 'vitest';
import {
  checkedContact,
  contactText,
  NOTE_MAX_CHARS,
  OWNER_MAX_CHARS,
  sameContact,
  withContact,
} from '../../../../shared/domain/contact.js';
import { ValidationError } from '../../../../shared/domain/errors.js';

describe('contactText', () => {
  it('keeps printable text, trimmed, up to the limit', () => {
    expect(contactText('owner', '  Acme NOC  ')).toBe('Acme NOC');
    expect(contactText('owner', 'x'.repeat(OWNER_MAX_CHARS))).toHaveLength(OWNER_MAX_CHARS);
    expect(contactText('note', 'é'.repeat(NOTE_MAX_CHARS))).toHaveLength(NOTE_MAX_CHARS);
  });

  it("keeps '' (and blanks): it means remove", () => {
    expect(contactText('note', '   ')).toBe('');
  });

  it('refuses text over the limit, naming the limit', () => {
    expect(() => contactText('owner', 'x'.repeat(OWNER_MAX_CHARS + 1))).toThrow(/longer than 100 characters/);
    expect(() => contactText('note', 'x'.repeat(NOTE_MAX_CHARS + 1))).toThrow(ValidationError);
  });

  it.each([
    ['an escape sequence', 'eve\u001b[2J'],
    ['a newline', 'line one\nline two'],
    ['a C1 CSI', 'a\u009bb'],
    ['DEL', 'a\u007fb'],
    ['a bidirectional override', 'abc\u202edcba'],
  ])('refuses %s', (_, text) => {
    expect(() => contactText('note', text)).toThrow(/control characters/);
  });
});

describe('checkedContact and withContact', () => {
  it('checks only the parts given', () => {
    expect(checkedContact({ owner: ' Jo ' })).toEqual({ owner: 'Jo' });
    expect(checkedContact({})).toEqual({});
  });

  it("sets a part given, removes one given as '', keeps one left out", () => {
    const before = { owner: 'Jo', note: 'gate B' };
    expect(withContact(before, { owner: 'Acme NOC' })).toEqual({ owner: 'Acme NOC', note: 'gate B' });
    expect(withContact(before, { note: '' })).toEqual({ owner: 'Jo' });
    expect(withContact(before, {})).toEqual(before);
    expect(sameContact(withContact(before, {}), before)).toBe(true);
  });
});
