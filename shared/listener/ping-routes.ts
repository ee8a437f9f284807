/**
 * A warm cache of ping URL hash → Logger, kept per process (a Lambda container, local mode's server), so a
 * ping in steady state costs the one conditional write that records it. The cache is never trusted alone:
 * that write checks the Logger's ping hash, so a rotated or removed URL is refused at once.
 */
import type { LoggerId } from '../domain/logger.js';

/** Entries kept; the oldest goes first (Map keeps insertion order). About 150 bytes each. */
const DEFAULT_CAPACITY = 10_000;

export class PingRoutes {
  private readonly routes = new Map<string, LoggerId>();

  constructor(private readonly capacity = DEFAULT_CAPACITY) {}

  get(pingHash: string): LoggerId | undefined {
    return this.routes.get(pingHash);
  }

  set(pingHash: string, id: LoggerId): void {
    this.routes.delete(pingHash);
    this.routes.set(pingHash, id);
    if (this.routes.size > this.capacity) {
      const oldest = this.routes.keys().next().value;
      if (oldest !== undefined) this.routes.delete(oldest);
    }
  }

  forget(pingHash: string): void {
    this.routes.delete(pingHash);
  }
}
