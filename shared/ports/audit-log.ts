/**
 * The audit record of operators' actions. DynamoDB implements it (shared/adapters/dynamo/dynamo-audit-log.ts).
 */
import type { LoggerId } from '../domain/logger.js';

/** What an operator did to a Logger (console or CLI), as the audit record keeps it. */
export const AUDIT_ACTIONS = [
  'ack',
  'unack',
  'pause',
  'resume',
  'maintenance-add',
  'maintenance-remove',
  /** `listener alarm release-mass-silence`: the held page went out now; with `--drop`, it was discarded. */
  'mass-silence-release',
  'mass-silence-drop',
  /** `listener logger add --bridge`, `logger bind`, `logger unbind`: which bridge sites may relay for it. */
  'bridge-bind',
  /** `listener logger set`: timeout, interval, transport or Phone Home configuration changed in place. */
  'settings',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** One line of the audit record: who did what to which Logger, when, and through what. */
export interface AuditEntry {
  readonly id: string;
  readonly at: number;
  readonly loggerId: LoggerId;
  readonly action: AuditAction;
  /** The person: a CLI `--by`/login name, a console user, or the name typed on an email link's page. */
  readonly actor: string;
  /** Where the action came from. */
  readonly via: 'cli' | 'console' | 'email-link';
  /** Ticket, note, window id and times… in a short human sentence. */
  readonly detail?: string;
}

/** The audit record of operators' actions, kept beside each Logger. */
export interface AuditLog {
  append(entry: AuditEntry): Promise<void>;
  /** The Logger's most recent entries, newest first. */
  list(loggerId: LoggerId, limit: number): Promise<AuditEntry[]>;
}
