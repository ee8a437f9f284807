/**
 * Reading local mode's channels file (`listener local --channels FILE`) and building its channels. The file
 * holds secrets inline (routing keys, webhook URLs, signing secrets): one readable by anyone but its owner
 * is refused, with the chmod that fixes it.
 */
import { readFileSync, statSync } from 'node:fs';
import type { Notification } from '../../domain/notices/notification.js';
import type { ChannelHealthMonitor } from '../../listener/notices/channel-health-monitor.js';
import { type ChannelConfig, type ChannelsFile, ChannelsFileError, parseChannels } from './channel-config.js';
import { HttpChannel, type HttpChannelOptions } from './http-channel.js';
import { observedFetch } from './observed-fetch.js';
import { requestFor } from './payload.js';
import { AlertmanagerHttpChannel } from './receivers/alertmanager.js';

/** The validated channels file at `path`; throws {@link ChannelsFileError}. */
export function readChannelsFile(path: string): ChannelsFile {
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch {
    throw new ChannelsFileError(
      `the channels file ${path} cannot be read`,
      'check the path given to --channels',
    );
  }
  if ((mode & 0o077) !== 0 && process.platform !== 'win32') {
    throw new ChannelsFileError(
      `the channels file ${path} is readable by others than its owner (it holds secrets)`,
      `run: chmod 600 ${path}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new ChannelsFileError(
      `the channels file ${path} is not valid JSON`,
      'fix it (docs/channels.md) and start again',
    );
  }
  return parseChannels(json);
}

/** One HTTP channel per configured one, named as configured (the name recorded on delivered notices). */
export function httpChannel(config: ChannelConfig, options: HttpChannelOptions = {}): HttpChannel {
  const timeoutMs = config.timeoutSeconds === undefined ? options.timeoutMs : config.timeoutSeconds * 1000;
  const settings = { ...options, ...(timeoutMs === undefined ? {} : { timeoutMs }) };
  if (config.type === 'alertmanager') {
    const takes = (n: Notification) => requestFor(config, n, 0) !== undefined;
    return new AlertmanagerHttpChannel(config.name, config, takes, settings);
  }
  return new HttpChannel(config.name, (n, now) => requestFor(config, n, now), settings);
}

/**
 * {@link httpChannel} whose receiver's answers also go to `monitor` (delivered, failing and why, refused for
 * good), which each sweep records (shared/listener/notices/channel-health.ts).
 */
export function watchedHttpChannel(
  config: ChannelConfig,
  monitor: ChannelHealthMonitor,
  options: HttpChannelOptions = {},
): HttpChannel {
  const now = options.now ?? Date.now;
  return httpChannel(config, {
    ...options,
    fetch: observedFetch(monitor, config.name, options.fetch, now),
    onRejected: (rejection) => {
      const { status, excerpt, notification } = rejection;
      monitor.rejected(rejection.channel, { at: now(), status, excerpt, notification });
      options.onRejected?.(rejection);
    },
  });
}
