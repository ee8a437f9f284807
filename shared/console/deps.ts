/** What the console needs: the same ports and use cases as the CLI, its key, and how people sign in. */

import type { Finding, ListenerPair } from '../domain/doctor.js';
import type { AuditLog } from '../ports/audit-log.js';
import type { ConsoleKeys } from '../ports/console-keys.js';
import type { EventLog } from '../ports/event-log.js';
import type { LoggerHistory } from '../ports/logger-history.js';
import type { LoggerStore } from '../ports/logger-store.js';
import type { UsedLinks } from '../ports/used-links.js';
import type { MassSilence } from './fleet-view.js';

/** Signing in through Cognito's managed login (AWS); see shared/console/auth/cognito.ts. */
export interface CognitoSignIn {
  /** Where to send the browser to sign in (state and PKCE challenge included). */
  authorizeUrl(redirectUri: string, state: string, codeChallenge: string): string;
  /** Exchanges the authorization code and returns the verified user (email or username). */
  userFromCode(code: string, redirectUri: string, codeVerifier: string): Promise<string>;
}

export interface ConsoleDeps {
  readonly loggers: LoggerStore;
  /** A Logger's recent events, on its page. */
  readonly events: Pick<EventLog, 'listEvents'>;
  /** A Logger's outages and last pings, on its page; absent = not shown. */
  readonly history?: Pick<LoggerHistory, 'read'>;
  readonly audit: AuditLog;
  readonly usedLinks: UsedLinks;
  /** Signs sessions, CSRF tokens and sign-in links. */
  readonly keys: ConsoleKeys;
  /**
   * Signs the emailed acknowledge links (the notifying functions read it: shared/runtime.ts); absent =
   * `keys`. Deployed, `keys` is a secret only the console reads, so a notifying function cannot forge a session.
   */
  readonly linkKeys?: ConsoleKeys;
  readonly listenerName: string;
  /** Set when this Listener is one of a pair (TWIN_LISTENER_NAME): the doctor's pairing rules apply. */
  readonly listenerPair?: ListenerPair;
  readonly renotifyEveryMs?: number;
  readonly now: () => number;
  /** `local`: one-time links from `listener console-url`; `cognito`: the stack's user pool. */
  readonly auth: { readonly mode: 'local' } | { readonly mode: 'cognito'; readonly cognito: CognitoSignIn };
  /** Findings beyond the pure per-Logger rules (none today). */
  readonly extraFindings?: (loggerId: string) => Finding[];
  /** An active mass silence, once that exists (another issue); absent today. */
  readonly massSilence?: () => Promise<MassSilence | undefined>;
}
