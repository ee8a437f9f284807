/**
 * Who delivers a Logger's pending notices, and in what order. Pure.
 *
 * - A notice is delivered only by the writer that holds its claim: a claim id unique to one publication
 *   (a sweep's look at the Logger, a phone-home), set on the notice by that writer's own conditional write
 *   that landed, until `until`. Two writers can never both hold a notice: each claim is written on the
 *   revision its writer read, so of two claims of the same notice only one lands.
 * - On each channel, notices go out in outbox order: a notice is sent on a channel only once every earlier
 *   notice of the outbox went out there, so an all-clear never overtakes its page.
 * - A writer whose notice waits behind someone else's notice on a channel gives its claim up when it
 *   records what it sent; whoever records the earlier notice then claims the later one in the same write
 *   and sends it (or the next sweep does). A notice that failed on a channel keeps its claim until `until`:
 *   the sweep after that retries it (the backoff).
 * - A claim bounds its publication in time: no request is still waiting on a receiver when the claim ends
 *   (less the time to record what was sent), or the next holder would send the same notice beside it.
 */
import type { StateNotice } from '../logger.js';

/** What one publication knows: its claim id, and the notices (by id) each channel failed in it. */
export interface Publisher {
  readonly claimId: string;
  readonly failedOn?: (channel: string) => ReadonlySet<string>;
}

const NONE: ReadonlySet<string> = new Set();

/** The notice is claimed by `claimId`. */
export function claimedBy(notice: StateNotice, claimId: string): boolean {
  return notice.claim?.by === claimId;
}

/** Nobody holds the notice at `now`: never claimed, given up, or its claim expired. */
export function claimable(notice: StateNotice, now: number): boolean {
  return notice.claim === undefined || notice.claim.until <= now;
}

/** The notice claimed by `claimId` until `until`. */
export function withClaim(notice: StateNotice, claimId: string, until: number): StateNotice {
  return { ...notice, claim: { by: claimId, until } };
}

/**
 * When the first claim `claimId` holds in `outbox` ends (Infinity if it holds none): its publication must have
 * sent and recorded everything by then, for after it another writer may claim those notices and send them.
 */
export function claimsEnd(outbox: readonly StateNotice[], claimId: string): number {
  const ends = outbox
    .filter((n) => claimedBy(n, claimId))
    .map((n) => n.claim?.until ?? Number.POSITIVE_INFINITY);
  return Math.min(Number.POSITIVE_INFINITY, ...ends);
}

/** The notice with its claim given up. */
export function unclaimed(notice: StateNotice): StateNotice {
  const { claim: _, ...rest } = notice;
  return rest;
}

/** The channels (of `channels`) a notice has not been delivered on yet. */
export function pendingChannels(notice: StateNotice, channels: readonly string[]): string[] {
  return channels.filter((channel) => !notice.sent?.includes(channel));
}

/**
 * On `channel`, the notices `publisher` sends now, in outbox order: its own notices not sent there yet, up
 * to the first earlier notice not sent there that it does not hold, or that failed there in this
 * publication (it is retried later, and nothing overtakes it).
 */
export function sendable(
  outbox: readonly StateNotice[],
  channel: string,
  publisher: Publisher,
): StateNotice[] {
  const failed = publisher.failedOn?.(channel) ?? NONE;
  const out: StateNotice[] = [];
  for (const notice of outbox) {
    if (notice.sent?.includes(channel)) continue;
    if (!claimedBy(notice, publisher.claimId) || failed.has(notice.id)) break;
    out.push(notice);
  }
  return out;
}

/** Where a notice stands on one channel: sendable, behind a failure of its own publisher, or behind another writer's notice. */
type Standing = 'open' | 'behind-failure' | 'blocked';

/**
 * The claims after a publication's deliveries were applied to `outbox` (`sent` updated), for the write that
 * records them: the publisher gives up the notices that wait behind another writer's notice on some
 * channel, keeps those that failed (retried when the claim expires), and claims until `until` the notices
 * nobody holds that it can now send on some channel (after its own), which it then sends.
 */
export function settleClaims(
  outbox: readonly StateNotice[],
  channels: readonly string[],
  publisher: Publisher,
  now: number,
  until: number,
): StateNotice[] {
  const settled: StateNotice[] = [];
  // Per channel: the standing of the next notice, given the notices before it as settled so far.
  const standing = new Map<string, Standing>(channels.map((c) => [c, 'open']));
  for (const notice of outbox) {
    const pending = pendingChannels(notice, channels);
    const mine = claimedBy(notice, publisher.claimId);
    let next = notice;
    if (mine && pending.length === 0) next = unclaimed(notice);
    else if (mine && pending.some((c) => standing.get(c) === 'blocked')) next = unclaimed(notice);
    else if (!mine && claimable(notice, now) && pending.some((c) => standing.get(c) === 'open')) {
      next = withClaim(notice, publisher.claimId, until);
    }
    const held = claimedBy(next, publisher.claimId);
    for (const channel of pending) {
      if (!held) standing.set(channel, 'blocked');
      else if (publisher.failedOn?.(channel).has(notice.id) && standing.get(channel) === 'open') {
        standing.set(channel, 'behind-failure');
      }
    }
    settled.push(next);
  }
  return settled;
}

/** Notices held by `claimId` in `after` that it did not hold in `before`: claimed in the write that recorded them. */
export function newlyClaimed(
  before: readonly StateNotice[],
  after: readonly StateNotice[],
  claimId: string,
): StateNotice[] {
  const held = new Set(before.filter((n) => claimedBy(n, claimId)).map((n) => n.id));
  return after.filter((n) => claimedBy(n, claimId) && !held.has(n.id));
}
