/**
 * Drains the spool to the relay in batches (≤ 100 records, ≤ 256 KiB), oldest first. Settled records
 * (`accepted`, `duplicate`) leave the spool, `rejected` ones go to dead-letter, and so do `refused` ones
 * (their Logger is bound to another bridge site), logged once per Logger and reason, not per record; a refused batch (400/413/415)
 * is split in halves until the bad record is alone (or named by the relay) and dead-lettered, so one bad
 * record cannot block the others. Network trouble, 429/5xx and 401 stop the drain and ask for a retry after
 * an exponential backoff with jitter (or the relay's `Retry-After`).
 */
import { isSettled, MAX_RELAY_BODY_BYTES, MAX_RELAY_RECORDS } from '../../shared/relay/protocol.js';
import type { Log } from '../log.js';
import { type BackoffPolicy, backoffDelay } from '../relay/backoff.js';
import type { RelaySender } from '../relay/client.js';
import type { Spool, SpoolEntry } from './spool.js';

export interface DrainOptions {
  readonly spool: Spool;
  readonly send: RelaySender;
  readonly log: Log;
  readonly backoff: BackoffPolicy;
  readonly batchSize?: number;
  /** Caps an honoured `Retry-After`. */
  readonly maxRetryAfterMs?: number;
  readonly now?: () => number;
  readonly random?: () => number;
}

export interface DrainResult {
  readonly delivered: number;
  readonly duplicates: number;
  readonly deadLettered: number;
  /** Set when the drain stopped on a failure: wait this long before the next attempt. */
  readonly retryInMs?: number;
  readonly failure?: string;
}

export interface RelayStatusInfo {
  lastSuccessAt?: number;
  lastAttemptAt?: number;
  lastError?: string;
  nextAttemptAt?: number;
  consecutiveFailures: number;
  delivered: number;
  /** Records the Listener already had (a resend after a lost answer): settled, not counted as delivered. */
  duplicates: number;
  deadLettered: number;
  /** Records the Listener refused because their Logger is bound to other bridge sites (also dead-lettered). */
  refused: number;
}

type Failure = { readonly reason: string; readonly retryAfterMs?: number; readonly unauthorized?: boolean };

/** Envelope bytes around the records in a request body, with room to spare. */
const ENVELOPE_BYTES = 256;

export class Drainer {
  readonly info: RelayStatusInfo = {
    consecutiveFailures: 0,
    delivered: 0,
    duplicates: 0,
    deadLettered: 0,
    refused: 0,
  };
  /** `<customer>/<side> <reason>` of the refusals logged already: a Logger's refusal is logged once. */
  private readonly refusalsLogged = new Set<string>();
  private readonly batchSize: number;
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(private readonly o: DrainOptions) {
    this.batchSize = Math.min(o.batchSize ?? MAX_RELAY_RECORDS, MAX_RELAY_RECORDS);
    this.now = o.now ?? Date.now;
    this.random = o.random ?? Math.random;
  }

  /** Sends batches until the spool is empty or a batch fails. */
  async drainOnce(): Promise<DrainResult> {
    const tally = { delivered: 0, duplicates: 0, deadLettered: 0 };
    while (this.o.spool.depth > 0) {
      this.info.lastAttemptAt = this.now();
      const failure = await this.sendBatch(this.nextBatch(), tally);
      if (failure) {
        this.info.consecutiveFailures += 1;
        const backoff = backoffDelay(this.info.consecutiveFailures, this.o.backoff, this.random);
        const retryInMs =
          failure.retryAfterMs !== undefined
            ? Math.min(failure.retryAfterMs, this.o.maxRetryAfterMs ?? 3_600_000)
            : backoff;
        this.info.lastError = failure.reason;
        this.info.nextAttemptAt = this.now() + retryInMs;
        const level = failure.unauthorized ? 'error' : 'warn';
        this.o.log(
          level,
          'relay',
          `${failure.reason}; ${this.o.spool.depth} records stay spooled, retrying in ${Math.round(retryInMs / 1000)}s`,
        );
        return { ...tally, retryInMs, failure: failure.reason };
      }
      this.info.consecutiveFailures = 0;
      this.info.lastSuccessAt = this.now();
      delete this.info.lastError;
      delete this.info.nextAttemptAt;
    }
    return tally;
  }

  /** The oldest records that fit one request. */
  private nextBatch(): SpoolEntry[] {
    const batch: SpoolEntry[] = [];
    let bytes = ENVELOPE_BYTES;
    for (const entry of this.o.spool.list(this.batchSize)) {
      const size = Buffer.byteLength(JSON.stringify(entry.record), 'utf8') + 1;
      if (batch.length > 0 && bytes + size > MAX_RELAY_BODY_BYTES) break;
      batch.push(entry);
      bytes += size;
    }
    return batch;
  }

  private async sendBatch(
    batch: readonly SpoolEntry[],
    tally: { delivered: number; duplicates: number; deadLettered: number },
  ): Promise<Failure | undefined> {
    if (batch.length === 0) return undefined;
    // Each record says when this bridge received it: the Listener applies it then, not at delivery.
    const outcome = await this.o.send(
      batch.map((e) => ({ ...e.record, receivedAt: new Date(e.receivedAt).toISOString() })),
    );
    switch (outcome.kind) {
      case 'results': {
        for (const [i, result] of outcome.results.entries()) {
          const entry = batch[i] as SpoolEntry;
          if (isSettled(result.status)) {
            await this.o.spool.remove(entry.name);
            // A duplicate was delivered before: counting it again would overstate what this bridge relayed.
            if (result.status === 'duplicate') {
              tally.duplicates += 1;
              this.info.duplicates += 1;
            } else {
              tally.delivered += 1;
              this.info.delivered += 1;
            }
          } else if (result.status === 'refused') {
            await this.refuse(entry, result.reason ?? 'no reason given', tally);
          } else {
            await this.bury(entry, `rejected by the relay: ${result.reason ?? 'no reason given'}`, tally);
          }
        }
        return undefined;
      }
      case 'malformed': {
        const why = `relay refused the batch (${outcome.status} ${outcome.error?.code ?? ''}): ${outcome.error?.message ?? 'no message'}`;
        const named = outcome.error?.recordId
          ? batch.find((e) => e.record.id === outcome.error?.recordId)
          : undefined;
        if (named) {
          await this.bury(named, why, tally);
          return this.sendBatch(
            batch.filter((e) => e !== named),
            tally,
          );
        }
        if (batch.length === 1) {
          await this.bury(batch[0] as SpoolEntry, why, tally);
          return undefined;
        }
        const half = Math.ceil(batch.length / 2);
        this.o.log('warn', 'relay', `${why}; splitting the batch of ${batch.length} to find the bad record`);
        return (
          (await this.sendBatch(batch.slice(0, half), tally)) ?? this.sendBatch(batch.slice(half), tally)
        );
      }
      case 'unauthorized':
        return {
          reason:
            outcome.status === 403
              ? `RELAY REFUSED THE BRIDGE SITE (403): "site" in the bridge config is not the site of its "token"`
              : `RELAY REFUSED THE BRIDGE TOKEN (${outcome.status}): check "token" in the bridge config (register it with "listener bridge add")`,
          unauthorized: true,
        };
      case 'retry':
        return {
          reason: outcome.reason,
          ...(outcome.retryAfterMs !== undefined ? { retryAfterMs: outcome.retryAfterMs } : {}),
        };
    }
  }

  private async bury(
    entry: SpoolEntry,
    reason: string,
    tally: { deadLettered: number },
    quiet = false,
  ): Promise<void> {
    await this.o.spool.deadLetter(entry.name, reason);
    tally.deadLettered += 1;
    this.info.deadLettered += 1;
    if (!quiet) {
      this.o.log('error', 'relay', `record ${entry.record.id} (${entry.origin}) dead-lettered: ${reason}`);
    }
  }

  /**
   * A record of a Logger bound to another bridge site: dead-lettered (an operator who binds the Logger to
   * this site may move it back), and logged the first time per Logger and reason — a Logger calling every
   * few minutes must not flood the log.
   */
  private async refuse(entry: SpoolEntry, reason: string, tally: { deadLettered: number }): Promise<void> {
    await this.bury(entry, `refused by the relay: ${reason}`, tally, true);
    this.info.refused += 1;
    const key = `${entry.record.customer}/${entry.record.side} ${reason}`;
    if (this.refusalsLogged.has(key)) return;
    this.refusalsLogged.add(key);
    this.o.log(
      'error',
      'relay',
      `records of ${entry.record.customer}/${entry.record.side} refused by the relay (dead-lettered; logged once): ${reason}`,
    );
  }
}
