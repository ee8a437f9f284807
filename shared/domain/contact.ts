/**
 * Whom to call about a Logger: its owner (a person or team) and a note (site details, say), recorded by
 * operators with `listener logger set --owner/--note` or `logger add`. Shown where an on-call person looks
 * (`logger show`, the console, `status`). Pure.
 */
import { ValidationError } from './errors.js';

export const OWNER_MAX_CHARS = 100;
export const NOTE_MAX_CHARS = 500;

/** A Logger's contact; either part may be absent. */
export interface LoggerContact {
  readonly owner?: string;
  readonly note?: string;
}

/** A change to the contact: a value sets it, `''` removes it, a part left out stays as it is. */
export type ContactPatch = LoggerContact;

// C0, DEL, C1 and the bidirectional overrides: what could rewrite a terminal or reorder a page.
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters it refuses
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

/**
 * `text` trimmed, checked as the contact's `part`: at most its limit, printable on one line. `''` (after
 * trimming) is kept: it means "remove". A ValidationError names the rule.
 */
export function contactText(part: keyof LoggerContact, text: string): string {
  const max = part === 'owner' ? OWNER_MAX_CHARS : NOTE_MAX_CHARS;
  const trimmed = text.trim();
  if (trimmed.length > max || UNPRINTABLE.test(trimmed)) {
    throw new ValidationError(
      `the ${part} is longer than ${max} characters or holds control characters: write up to ${max} printable characters on one line ('' removes it)`,
    );
  }
  return trimmed;
}

/** `patch` with each given part checked by {@link contactText}. */
export function checkedContact(patch: ContactPatch): ContactPatch {
  return {
    ...(patch.owner === undefined ? {} : { owner: contactText('owner', patch.owner) }),
    ...(patch.note === undefined ? {} : { note: contactText('note', patch.note) }),
  };
}

/** `logger` (or any holder of a contact) with `patch` applied (`''` removes a part). */
export function withContact<T extends LoggerContact>(logger: T, patch: ContactPatch): T {
  const { owner, note, ...rest } = logger;
  const next = (was: string | undefined, given: string | undefined) =>
    given === undefined ? was : given || undefined;
  const nextOwner = next(owner, patch.owner);
  const nextNote = next(note, patch.note);
  return {
    ...rest,
    ...(nextOwner ? { owner: nextOwner } : {}),
    ...(nextNote ? { note: nextNote } : {}),
  } as T;
}

/** Whether `a` and `b` have the same contact. */
export function sameContact(a: LoggerContact, b: LoggerContact): boolean {
  return a.owner === b.owner && a.note === b.note;
}
