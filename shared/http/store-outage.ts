/**
 * A store outage reported as an episode, not once per request: the first 503 of an outage is logged with
 * its cause, later ones are only counted (a count line every `everyMs` while it lasts), and the first
 * request served afterwards logs how long it lasted and how many requests were answered 503. Two keep-alive
 * clients against a dead DynamoDB Local logged 17,460 identical warnings in 40 s before this.
 */

import { counted } from '../domain/words.js';
import type { Log } from '../listener/deps.js';

/** While an outage lasts, how often its running count is logged. */
const STILL_EVERY_MS = 60_000;

interface Outage {
  readonly since: number;
  answered: number;
  reportedAt: number;
}

export class StoreOutageReport {
  private outage: Outage | undefined;

  constructor(
    private readonly clock: () => number = Date.now,
    private readonly everyMs = STILL_EVERY_MS,
  ) {}

  /** A request was answered 503 because the store did not answer (`cause`: what it said, described). */
  unavailable(log: Log, cause: string): void {
    const now = this.clock();
    if (!this.outage) {
      this.outage = { since: now, answered: 1, reportedAt: now };
      log.warn('store unavailable; answering 503 (counted until it answers again)', { error: cause });
      return;
    }
    this.outage.answered++;
    if (now - this.outage.reportedAt < this.everyMs) return;
    this.outage.reportedAt = now;
    log.warn('store still unavailable; answering 503', this.counts(now));
  }

  /** A request was served: an outage in progress has ended. */
  served(log: Log): void {
    if (!this.outage) return;
    log.warn('store available again', this.counts(this.clock()));
    this.outage = undefined;
  }

  /** The outage in progress in one line (for a Listener stopping during it), or undefined if none. */
  summary(): string | undefined {
    if (!this.outage) return undefined;
    const { answered503, forSeconds } = this.counts(this.clock());
    return `store unavailable for the last ${forSeconds} s: ${counted(answered503, 'request')} answered 503`;
  }

  private counts(now: number) {
    const outage = this.outage as Outage;
    return { answered503: outage.answered, forSeconds: Math.round((now - outage.since) / 1000) };
  }
}

/** This process's (a Lambda execution environment's, or local mode's) report. */
export const storeOutage = new StoreOutageReport();
