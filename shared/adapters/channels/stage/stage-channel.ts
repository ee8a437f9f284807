/**
 * One channel of a deployed stage: an {@link HttpChannel} whose secrets (routing key, webhook URL, API key,
 * signing secret) are read through the Parameters and Secrets extension on the container's first delivery
 * and kept, re-read every {@link REFRESH_MS} so a replaced secret is picked up without a deploy.
 *
 * A secret that cannot be read fails this channel alone, loudly once (an error log naming the channel and
 * the reference, never a value), and its notices stay pending on it, retried by the sweeps; the other
 * channels deliver as usual. The read is not retried for {@link RETRY_READ_MS}, so a missing secret does not
 * add the extension's timeouts to every heartbeat that publishes.
 */
import type { Notification } from '../../../domain/notices/notification.js';
import type { Log } from '../../../listener/deps.js';
import type { NotificationChannel } from '../../../ports/channels.js';
import { readSecret, type SecretSource, SecretUnreadable } from '../../secrets/extension.js';
import type { ChannelConfig } from '../channel-config.js';
import { httpChannel } from '../channels-file.js';
import { type HttpChannel, type HttpChannelOptions, RetryLater } from '../http-channel.js';
import {
  channelSecrets,
  describeReference,
  type StageChannel,
  sourceOf,
  withSecrets,
} from './stage-channels.js';

/** A kept secret is read again after this long (the extension's own cache lasts 5 minutes). */
export const REFRESH_MS = 10 * 60_000;
/** After a failed read, the channel fails at once for this long before reading again. */
export const RETRY_READ_MS = 60_000;

export interface StageChannelOptions extends HttpChannelOptions {
  readonly log: Log;
  /** Reads one secret (default: through the extension). */
  readonly read?: (source: SecretSource) => Promise<string>;
  /** A delivery on this channel failed (counted: the per-channel ops alarm). */
  readonly onFailed?: (channel: string) => void;
}

export class StageHttpChannel implements NotificationChannel {
  readonly name: string;
  private built: { channel: HttpChannel; config: ChannelConfig; at: number } | undefined;
  private failedAt: number | undefined;
  private readonly now: () => number;

  constructor(
    readonly stageConfig: StageChannel,
    private readonly options: StageChannelOptions,
  ) {
    this.name = stageConfig.name;
    this.now = options.now ?? Date.now;
  }

  async publish(notifications: readonly Notification[]): Promise<void> {
    try {
      return await (await this.ready()).channel.publish(notifications);
    } catch (error) {
      this.options.onFailed?.(this.name);
      throw error;
    }
  }

  /**
   * The channel with its secrets in place (read, or kept); throws {@link RetryLater} when they cannot be
   * read. `fresh` reads again even within {@link RETRY_READ_MS} of a failure (`listener channel test`).
   */
  async ready(fresh = false): Promise<{ channel: HttpChannel; config: ChannelConfig }> {
    const now = this.now();
    if (this.built && now - this.built.at < REFRESH_MS) return this.built;
    const waiting = this.failedAt !== undefined && now - this.failedAt < RETRY_READ_MS;
    if (waiting && !fresh && !this.built) {
      throw new RetryLater(`channel ${this.name}: its secret cannot be read (see the error logged before)`);
    }
    try {
      const config = await this.readConfig();
      const channel = httpChannel(config, this.options);
      this.built = { channel, config, at: now };
      this.failedAt = undefined;
    } catch (error) {
      const first = this.failedAt === undefined;
      this.failedAt = now;
      // A kept value still works until the secret can be read again (a transient failure of the extension).
      if (this.built) {
        if (first)
          this.options.log.warn(`channel ${this.name}: re-reading its secret failed; the kept one is used`, {
            channel: this.name,
            reason: (error as Error).message,
          });
        return this.built;
      }
      if (first) {
        this.options.log.error(
          `channel ${this.name} cannot deliver: ${(error as Error).message} — create the secret or grant it (docs/channels.md#on-a-stage)`,
          { channel: this.name },
        );
      }
      throw new RetryLater(`channel ${this.name}: its secret cannot be read`, { cause: error });
    }
    return this.built;
  }

  private async readConfig(): Promise<ChannelConfig> {
    const read = this.options.read ?? ((source: SecretSource) => readSecret(source));
    const values: Record<string, string> = {};
    for (const { field, reference } of channelSecrets(this.stageConfig)) {
      try {
        values[field] = await read(sourceOf(reference));
      } catch (error) {
        const reason = error instanceof SecretUnreadable ? error.reason : (error as Error).name;
        throw new Error(`its ${field} (${describeReference(reference)}) could not be read (${reason})`);
      }
    }
    return withSecrets(this.stageConfig, values);
  }
}
