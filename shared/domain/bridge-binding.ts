/**
 * Which dial-in bridges may relay for a modem Logger. A bridge is identified by its relay token alone
 * (its site); a modem Logger bound to sites takes relayed records only from those sites' bridges. A modem
 * Logger bound to none (registered before bindings existed) still takes them from any bridge, until an
 * operator binds it: `listener doctor` points such Loggers out. Pure.
 */
import * as z from 'zod/mini';
import { ValidationError } from './errors.js';
import { customerSchema, formatLoggerId, type Logger } from './logger.js';

/** A bridge site name: as a customer name (lower-case letters, digits and `-`), at most 56 characters. */
export const siteSchema = z.pipe(
  customerSchema,
  z.string().check(z.maxLength(56, 'a site name is at most 56 characters')),
);

/** At most this many sites per Logger: a primary and backups, not a fleet. */
export const MAX_BOUND_SITES = 8;

/**
 * The sites of `--bridge` values, each a site or a comma list (`acme-dc1,acme-dc2`): checked, in the
 * order given, without repeats. Throws a {@link ValidationError} naming the first bad one.
 */
export function parseSites(values: readonly string[]): string[] {
  const sites: string[] = [];
  for (const site of values.flatMap((v) => v.split(',')).map((s) => s.trim())) {
    const parsed = siteSchema.safeParse(site);
    if (!parsed.success) {
      throw new ValidationError(
        `"${site}" is not a site name (${parsed.error.issues[0]?.message}): use 1–56 lower-case letters, digits and -, e.g. acme-dc1`,
      );
    }
    if (!sites.includes(parsed.data)) sites.push(parsed.data);
  }
  if (sites.length === 0) throw new ValidationError('no site given: name at least one, e.g. acme-dc1');
  if (sites.length > MAX_BOUND_SITES) {
    throw new ValidationError(`at most ${MAX_BOUND_SITES} sites may relay for one Logger`);
  }
  return sites;
}

/** Whether the bridge of `site` may relay for `logger`: bound to it, or (a legacy modem Logger) bound to none. */
export function mayRelay(logger: Pick<Logger, 'bridges'>, site: string): boolean {
  return !logger.bridges || logger.bridges.length === 0 || logger.bridges.includes(site);
}

/** Why a record was refused: names the Logger and the sites it is bound to, never the record's content. */
export function notBoundReason(logger: Pick<Logger, 'customer' | 'side' | 'bridges'>, site: string): string {
  return `Logger ${formatLoggerId(logger)} is not bound to bridge ${site} (bound to ${(logger.bridges ?? []).join(', ')}): bind it with listener logger bind ${formatLoggerId(logger)} --bridge <sites>`;
}

/** A modem Logger bound to no bridge: any bridge may relay for it. */
export function isUnboundModem(logger: Pick<Logger, 'transport' | 'bridges'>): boolean {
  return logger.transport === 'modem' && (!logger.bridges || logger.bridges.length === 0);
}
