/**
 * The running local Listener's address file (`<dir>/local.json`): written by local mode, read by every
 * command that targets it. Apart from local mode so that readers need not load it.
 */
import type { MassSilenceSettings } from '../../shared/domain/guards/mass-silence.js';

/** What `.listener/local.json` holds, so the CLI finds the running local Listener. */
export interface LocalTarget {
  readonly apiUrl: string;
  readonly dynamodbEndpoint: string;
  readonly tableName: string;
  readonly listenerName: string;
  readonly notificationsFile: string;
  readonly pid: number;
  /** Reminders while DOWN (for `alarm unack`); absent = off. */
  readonly renotifyEveryMs?: number;
  /** Its mass-silence guard (for `listener sweep`, which must hold a storm's pages as the Listener does). */
  readonly massSilence?: MassSilenceSettings;
  /** How often this Listener sweeps (for `listener doctor`). */
  readonly sweepEveryMs?: number;
  /** The second of a pair: the first Listener's name and state directory. */
  readonly twinListenerName?: string;
  readonly pairedWith?: string;
  /** The channels file it delivers to (`--channels`, docs/channels.md), absolute. */
  readonly channelsFile?: string;
}

export const LOCAL_TABLE = 'phone-home-local';
export const LOCAL_FILE = 'local.json';
