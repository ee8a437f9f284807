/**
 * The blind customer: both sides (A and B) of a customer DOWN at once, so none of its alarms reach
 * support — the most urgent page. Pure: the sweeper (shared/listener/sweep/blind-customer.ts) supplies what it
 * read from the store, in the order that makes the check sound.
 *
 * Why the check comes after the DOWN write, not before it: the store is linearizable (one region, or a
 * multi-Region strongly consistent global table) but has no transactions there (docs/architecture.md,
 * "Two regions: why MRSC"). Each sweeper first stores its own side DOWN, then reads the twin. Of two
 * sweepers taking both sides DOWN at once, at least one read comes after the other's write (if both reads
 * came before both writes, each write would precede its own read and follow the other's, a cycle), so at
 * least one sees the customer blind. When both do, a conditional write on the customer's blind record,
 * keyed by the {@link blindEpisode}, lets exactly one of them raise the page.
 */
import type { Logger, StateNotice, TwinFacts } from '../logger.js';
import { withClaim } from '../notices/notice-claims.js';
import { noticeId, twinFacts } from '../transitions.js';

/** The Logger's DOWN alarm has not yet been told how its twin is (its outbox or held pages). */
export function awaitsTwin(logger: Logger): boolean {
  return [...logger.outbox, ...(logger.held?.notices ?? [])].some((n) => n.awaitingTwin);
}

/**
 * Names one blind episode of a customer, the same whichever side computes it: each side's deadline while
 * DOWN. A DOWN Logger's deadline stays put until it phones home (which moves it forward), so a later
 * outage of either side is another episode, paged again.
 */
export function blindEpisode(logger: Logger, twin: Logger): string {
  const [a, b] = logger.side === 'A' ? [logger, twin] : [twin, logger];
  return `A@${a.deadline}/B@${b.deadline}`;
}

/**
 * Records the look at the twin on the Logger's pending alarm: the twin's facts as read, and the check no
 * longer pending. Same revision: this rides on the Logger's next write (publishing its outbox), and if that
 * write loses, the check stays pending and the next sweep looks again (looking twice is harmless).
 */
export function twinSeen(logger: Logger, twin: Logger | undefined, now: number): Logger {
  const facts = twin ? twinFacts(twin, now) : undefined;
  const seen = (notices: readonly StateNotice[]) => notices.map((n) => seenNotice(n, facts));
  return {
    ...logger,
    outbox: seen(logger.outbox),
    ...(logger.held ? { held: { ...logger.held, notices: seen(logger.held.notices) } } : {}),
  };
}

/**
 * The twin is DOWN too and this side won the episode: the Logger records the look and a critical
 * `CUSTOMER_BLIND` notice (kept with its held pages under a mass silence; none if those were dropped). The
 * caller writes it conditionally on the Logger as read before the twin, which proves both sides were DOWN
 * at the moment the twin was read; the caller's claim (`claimBy`) makes the page the caller's to publish.
 */
export function customerBlind(
  logger: Logger,
  twin: Logger,
  now: number,
  outboxRetryMs: number,
  claimBy?: string,
): Logger {
  const seen = twinSeen(logger, twin, now);
  const blind: StateNotice = {
    id: noticeId(logger, 'CUSTOMER_BLIND', logger.deadline),
    kind: 'CUSTOMER_BLIND',
    at: now,
    deadline: logger.deadline,
    ...(logger.lastSeenAt === undefined ? {} : { lastSeenAt: logger.lastSeenAt }),
    twin: twinFacts(twin, now),
  };
  const revision = logger.revision + 1;
  if (seen.held) {
    const notices = seen.held.dropped ? seen.held.notices : [...seen.held.notices, blind];
    return { ...seen, held: { ...seen.held, notices }, revision };
  }
  // In the outbox the page is the caller's to deliver (its claim), after the alarm it already holds.
  const until = now + outboxRetryMs;
  const claimed = claimBy === undefined ? blind : withClaim(blind, claimBy, until);
  return { ...seen, outbox: [...seen.outbox, claimed], revision, dueAt: until };
}

function seenNotice(notice: StateNotice, facts: TwinFacts | undefined): StateNotice {
  if (!notice.awaitingTwin) return notice;
  const { awaitingTwin: _, ...rest } = notice;
  return facts ? { ...rest, twin: facts } : rest;
}
