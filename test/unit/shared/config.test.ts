import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../shared/config.js';

const REQUIRED = { LISTENER_NAME: 'GEOCSCLNRA', TABLE_NAME: 'phone-home-loggers' };

function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected loadConfig to throw a ConfigError');
}

describe('loadConfig', () => {
  it('applies the reference note’s defaults: 780m timeout, 720m interval, 30d retention, 30s outbox retry', () => {
    expect(loadConfig(REQUIRED)).toEqual({
      listenerName: 'GEOCSCLNRA',
      tableName: 'phone-home-loggers',
      defaultEventTimeoutMs: 780 * 60_000,
      defaultHeartbeatIntervalMs: 720 * 60_000,
      eventRetentionMs: 30 * 86_400_000,
      outboxRetryMs: 30_000,
      sweepEveryMs: 60_000,
      massSilence: { minLoggers: 20, fraction: 0.2, windowMs: 600_000, holdMs: 900_000 },
    });
  });

  it('reads the mass-silence guard, naming a bad variable', () => {
    const config = loadConfig({
      ...REQUIRED,
      OPS_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:ops',
      MASS_SILENCE_MIN_LOGGERS: '5',
      MASS_SILENCE_FRACTION: '0.5',
      MASS_SILENCE_WINDOW: '2m',
      MASS_SILENCE_HOLD: '30s',
    });
    expect(config.opsTopicArn).toBe('arn:aws:sns:eu-west-1:123456789012:ops');
    expect(config.massSilence).toEqual({ minLoggers: 5, fraction: 0.5, windowMs: 120_000, holdMs: 30_000 });
    expect(configError({ ...REQUIRED, MASS_SILENCE_FRACTION: '2' }).message).toContain(
      'MASS_SILENCE_FRACTION must be at most 1',
    );
    expect(configError({ ...REQUIRED, MASS_SILENCE_MIN_LOGGERS: 'many' }).message).toContain(
      'MASS_SILENCE_MIN_LOGGERS',
    );
    expect(configError({ ...REQUIRED, MASS_SILENCE_HOLD: 'soon' }).message).toContain('MASS_SILENCE_HOLD');
  });

  it('turns reminders off by default and on with RENOTIFY_EVERY, naming the variable when it is wrong', () => {
    expect(loadConfig(REQUIRED).renotifyEveryMs).toBeUndefined();
    expect(loadConfig({ ...REQUIRED, RENOTIFY_EVERY: 'off' }).renotifyEveryMs).toBeUndefined();
    expect(loadConfig({ ...REQUIRED, RENOTIFY_EVERY: '4h' }).renotifyEveryMs).toBe(4 * 3_600_000);
    expect(configError({ ...REQUIRED, RENOTIFY_EVERY: 'hourly' }).message).toContain(
      'RENOTIFY_EVERY must be off or a duration, e.g. 4h',
    );
  });

  it('reads every variable when set', () => {
    const config = loadConfig({
      ...REQUIRED,
      ALARM_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:alarms',
      EVENT_BUS_NAME: 'listener-bus',
      NOTIFICATIONS_FILE: '/tmp/notifications.jsonl',
      DEFAULT_EVENT_TIMEOUT: '3s',
      DEFAULT_HEARTBEAT_INTERVAL: '2s',
      EVENT_RETENTION: '7d',
      OUTBOX_RETRY: '5s',
      TWIN_LISTENER_NAME: 'GEOCSCLNRB',
      SWEEP_EVERY: '10s',
    });
    expect(config).toEqual({
      listenerName: 'GEOCSCLNRA',
      twinListenerName: 'GEOCSCLNRB',
      sweepEveryMs: 10_000,
      tableName: 'phone-home-loggers',
      alarmTopicArn: 'arn:aws:sns:eu-west-1:123456789012:alarms',
      eventBusName: 'listener-bus',
      notificationsFile: '/tmp/notifications.jsonl',
      defaultEventTimeoutMs: 3_000,
      defaultHeartbeatIntervalMs: 2_000,
      eventRetentionMs: 7 * 86_400_000,
      outboxRetryMs: 5_000,
      massSilence: { minLoggers: 20, fraction: 0.2, windowMs: 600_000, holdMs: 900_000 },
    });
  });

  it('names LISTENER_NAME when it is missing', () => {
    const { LISTENER_NAME: _, ...env } = REQUIRED;
    expect(configError(env).message).toMatch(/LISTENER_NAME is required/);
  });

  it('names TABLE_NAME when it is missing', () => {
    const { TABLE_NAME: _, ...env } = REQUIRED;
    expect(configError(env).message).toMatch(/TABLE_NAME is required/);
  });

  it('names every missing variable at once', () => {
    const message = configError({}).message;
    expect(message).toContain('LISTENER_NAME');
    expect(message).toContain('TABLE_NAME');
  });

  it('names a bad DEFAULT_EVENT_TIMEOUT and says what a duration looks like', () => {
    const message = configError({ ...REQUIRED, DEFAULT_EVENT_TIMEOUT: '13 hours' }).message;
    expect(message).toContain('DEFAULT_EVENT_TIMEOUT');
    expect(message).toContain('"13 hours" is not a duration');
    expect(message).not.toContain('LISTENER_NAME');
  });

  it.each(['DEFAULT_HEARTBEAT_INTERVAL', 'EVENT_RETENTION', 'OUTBOX_RETRY'])('names a bad %s', (name) => {
    expect(configError({ ...REQUIRED, [name]: '0s' }).message).toContain(name);
  });

  it('knows its twin when it is one of a pair (TWIN_LISTENER_NAME), naming the variable when it is bad', () => {
    expect(loadConfig({ ...REQUIRED, TWIN_LISTENER_NAME: 'GEOCSCLNRB' }).twinListenerName).toBe('GEOCSCLNRB');
    expect(loadConfig(REQUIRED).twinListenerName).toBeUndefined();
    expect(configError({ ...REQUIRED, TWIN_LISTENER_NAME: 'no spaces' }).message).toContain(
      "TWIN_LISTENER_NAME must be the twin Listener's name: 1–32 letters",
    );
  });

  it('rejects a Listener name with characters alarms cannot carry', () => {
    expect(configError({ ...REQUIRED, LISTENER_NAME: 'GEO CSCL' }).message).toContain('LISTENER_NAME');
  });

  it('reads the twin of a pair and the sweep period its watch needs', () => {
    const config = loadConfig({ ...REQUIRED, TWIN_LISTENER_NAME: 'GEOCSCLNRB', SWEEP_EVERY: '2m' });
    expect(config.twinListenerName).toBe('GEOCSCLNRB');
    expect(config.sweepEveryMs).toBe(120_000);
    expect(loadConfig(REQUIRED).twinListenerName).toBeUndefined();
  });

  it('names TWIN_LISTENER_NAME when it is not a Listener name, or is this Listener itself', () => {
    expect(configError({ ...REQUIRED, TWIN_LISTENER_NAME: 'GEO CSCLB' }).message).toMatch(
      /TWIN_LISTENER_NAME must be the twin Listener's name/,
    );
    expect(configError({ ...REQUIRED, TWIN_LISTENER_NAME: 'GEOCSCLNRA' }).message).toMatch(
      /TWIN_LISTENER_NAME must name the other Listener/,
    );
    expect(configError({ ...REQUIRED, SWEEP_EVERY: 'often' }).message).toContain('SWEEP_EVERY');
  });

  it('rejects an alarm topic that is not an ARN', () => {
    expect(configError({ ...REQUIRED, ALARM_TOPIC_ARN: 'alarms' }).message).toContain('ALARM_TOPIC_ARN');
  });

  it('ignores variables it does not know', () => {
    expect(loadConfig({ ...REQUIRED, PATH: '/usr/bin' }).listenerName).toBe('GEOCSCLNRA');
  });
});

describe('CHANNELS (a stage’s channels, secrets by reference)', () => {
  const pd = { name: 'pd', type: 'pagerduty', routingKey: { secret: 'phone-home/prod/pd' } };

  it('is validated once at cold start into the stage’s channels', () => {
    expect(loadConfig({ ...REQUIRED, CHANNELS: JSON.stringify([pd]) }).stageChannels).toEqual([pd]);
    expect(loadConfig(REQUIRED).stageChannels).toBeUndefined();
  });

  it('fails naming the variable and the field, never echoing a value', () => {
    expect(() => loadConfig({ ...REQUIRED, CHANNELS: '[{' })).toThrow(
      "CHANNELS must be the stage's channels as JSON",
    );
    const inline = [{ ...pd, routingKey: 'R0UT1NGKEY0123456789abcdefABCDEF' }];
    const error = configError({ ...REQUIRED, CHANNELS: JSON.stringify(inline) });
    expect(error.message).toContain('CHANNELS.0.routingKey must name where the secret is kept');
    expect(error.message).not.toContain('R0UT1NGKEY');
  });
});
