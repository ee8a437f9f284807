/**
 * Splits a serial byte stream into lines (CR, LF or CRLF terminated), bounded so that line noise without
 * terminators cannot grow memory. Bytes are decoded as UTF-8 per line; invalid sequences become U+FFFD
 * (and then fail the record checksum), so garbage never throws.
 */
export type LineEvent = { readonly type: 'line'; readonly text: string } | { readonly type: 'overflow' };

export class LineSplitter {
  private parts: Buffer[] = [];
  private size = 0;
  private overflowing = false;

  constructor(private readonly maxBytes: number) {}

  /** Feeds bytes; returns the complete lines (and overflow notices) they finish. Empty lines are skipped. */
  push(chunk: Buffer): LineEvent[] {
    const out: LineEvent[] = [];
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i];
      if (byte !== 0x0a && byte !== 0x0d) continue;
      this.append(chunk.subarray(start, i), out);
      this.flush(out);
      start = i + 1;
    }
    this.append(chunk.subarray(start), out);
    return out;
  }

  /** Drops a partial line (e.g. when a call ends mid-record). Returns how many bytes were dropped. */
  reset(): number {
    const dropped = this.size;
    this.parts = [];
    this.size = 0;
    this.overflowing = false;
    return dropped;
  }

  /** Bytes of the current, unfinished line. */
  get pending(): number {
    return this.size;
  }

  private append(bytes: Buffer, out: LineEvent[]): void {
    if (bytes.length === 0 || this.overflowing) return;
    if (this.size + bytes.length > this.maxBytes) {
      this.parts = [];
      this.size = 0;
      this.overflowing = true;
      out.push({ type: 'overflow' });
      return;
    }
    this.parts.push(Buffer.from(bytes));
    this.size += bytes.length;
  }

  private flush(out: LineEvent[]): void {
    if (this.overflowing) {
      this.overflowing = false;
      return;
    }
    if (this.size === 0) return;
    const text = Buffer.concat(this.parts, this.size).toString('utf8');
    this.parts = [];
    this.size = 0;
    out.push({ type: 'line', text });
  }
}
