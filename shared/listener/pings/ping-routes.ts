/**
 * A warm cache of ping URL hash → Logger, kept per process (a Lambda container, local mode's server), so a
 * ping in steady state costs the one conditional write that records it. The cache is never trusted alone:
 * that write checks the Logger's ping hash, so a rotated or removed URL is refused at once. It also keeps
 * the Logger's timeout and interval as last seen, from which a `/start` computes its grace; the start's
 * write checks them too.
 */
import type { LoggerId } from '../../domain/logger.js';
import type { RunSettings } from '../../ports/ping-directory.js';

interface Route {
  readonly id: LoggerId;
  readonly settings?: RunSettings;
}

/** Entries kept; the oldest goes first (Map keeps insertion order). About 150 bytes each. */
const DEFAULT_CAPACITY = 10_000;

export class PingRoutes {
  private readonly routes = new Map<string, Route>();

  constructor(private readonly capacity = DEFAULT_CAPACITY) {}

  get(pingHash: string): LoggerId | undefined {
    return this.routes.get(pingHash)?.id;
  }

  /** The Logger's timeout and interval as last seen by a ping of this process; undefined if none yet. */
  settings(pingHash: string): RunSettings | undefined {
    return this.routes.get(pingHash)?.settings;
  }

  /** Remembers the route (and, when a write or read gave them, the Logger's settings; else those kept). */
  set(pingHash: string, id: LoggerId, settings?: RunSettings): void {
    const kept = settings ?? this.routes.get(pingHash)?.settings;
    this.routes.delete(pingHash);
    this.routes.set(pingHash, kept ? { id, settings: kept } : { id });
    if (this.routes.size > this.capacity) {
      const oldest = this.routes.keys().next().value;
      if (oldest !== undefined) this.routes.delete(oldest);
    }
  }

  forget(pingHash: string): void {
    this.routes.delete(pingHash);
  }
}
