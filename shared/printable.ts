/**
 * Untrusted text (what a Logger or a bridge sent: event messages and sources, agent strings, errors it
 * reported) made safe to print on a terminal: every control character — C0 but newline and tab when
 * `lines` keeps them, DEL, C1 (U+0080–U+009F: 0x9B is a one-byte CSI) and the bidirectional overrides and
 * isolates that reorder what is shown — is written visibly as `\xNN` / `\uNNNN`, so `\e]0;…\a` or `\e[2J`
 * reaches the operator as text instead of retitling or clearing the terminal. Table cells use the default
 * (newlines escaped too, so one value stays on one row); whole blocks of lines pass `{ lines: true }`.
 */
export function printable(text: string, options: { readonly lines?: boolean } = {}): string {
  const unsafe = options.lines ? UNSAFE_IN_LINES : UNSAFE;
  return text.replace(unsafe, (ch) => {
    const code = ch.codePointAt(0) ?? 0;
    return code <= 0xff ? `\\x${hex(code, 2)}` : `\\u${hex(code, 4)}`;
  });
}

const hex = (code: number, width: number) => code.toString(16).padStart(width, '0');
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters it neutralises
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;
const UNSAFE_IN_LINES =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the same, newline and tab allowed
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;
