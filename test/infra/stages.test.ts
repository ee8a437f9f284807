import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readStages } from '../../infra/stage-file.js';
import { stackNameFor } from '../../infra/stage-names.js';
import {
  BUILT_IN_STAGES,
  loadStage,
  parseStage,
  StageConfigError,
  severitiesFrom,
} from '../../infra/stages.js';
import { EXAMPLE_STAGES_PATH, STAGES } from './synth.js';

const minimal = { listenerName: 'GEOCSCLNRA', removalPolicy: 'destroy' };

describe('stage configuration', () => {
  it('accepts the built-in dev and the examples of stages.example.json (prod, prod-pair)', () => {
    expect(Object.keys(STAGES)).toEqual(['dev', 'prod', 'prod-pair']);
    for (const stage of Object.keys(STAGES)) expect(() => loadStage(stage, STAGES)).not.toThrow();
  });

  it('fills the defaults: 780m timeout, 720m interval, a sweep every minute', () => {
    expect(parseStage('qa', minimal)).toMatchObject({
      stage: 'qa',
      eventTimeout: '780m',
      heartbeatInterval: '720m',
      eventRetention: '30d',
      outboxRetry: '30s',
      renotifyEvery: 'off',
      phoneHomePairs: [],
      sweepRate: '1m',
      throttling: {
        rateLimit: 50,
        burstLimit: 100,
        routes: { heartbeat: { rateLimit: 50, burstLimit: 100 } },
      },
      ingestConcurrency: 10,
      tracing: false,
      heartbeatSilenceWindow: '60m',
      logLevel: 'INFO',
      logRetentionDays: 30,
      alarmEmails: [],
      alarmSms: [],
    });
  });

  it('takes reminders as off or a duration, and phone-home pairs as phone ↔ Listener', () => {
    expect(parseStage('qa', { ...minimal, renotifyEvery: '4h' }).renotifyEvery).toBe('4h');
    expect(() => parseStage('qa', { ...minimal, renotifyEvery: 'sometimes' })).toThrow(/renotifyEvery/);
    expect(loadStage('prod', STAGES).phoneHomePairs).toContainEqual({
      phone: '9,19191234567',
      listener: 'GEOCSCLNRA',
    });
    expect(() =>
      parseStage('qa', { ...minimal, phoneHomePairs: [{ phone: 'call me', listener: 'GEOCSCLNRA' }] }),
    ).toThrow(/phoneHomePairs\.0\.phone/);
  });

  it('refuses a filter that pages LOGGER_SILENT without its all-clear or the customer-blind page', () => {
    const sms = (kinds: string[]) => ({
      ...minimal,
      alarmSms: [{ number: '+447700900123', filter: { kinds } }],
    });
    expect(() => parseStage('qa', sms(['LOGGER_SILENT']))).toThrow(
      /alarmSms\.0\.filter\.kinds must include LOGGER_RECOVERED with LOGGER_SILENT: whoever is paged must get the all-clear/,
    );
    expect(() => parseStage('qa', sms(['LOGGER_SILENT', 'LOGGER_RECOVERED']))).toThrow(
      /must include CUSTOMER_BLIND with LOGGER_SILENT: a blind customer is the most urgent page/,
    );
    expect(() =>
      parseStage('qa', sms(['LOGGER_SILENT', 'LOGGER_RECOVERED', 'CUSTOMER_BLIND'])),
    ).not.toThrow();
  });

  it('takes a custom domain only with its certificate, in the stage region', () => {
    const cert = 'arn:aws:acm:eu-west-1:123456789012:certificate/0b6e5b3c-6a7d-4f0e-9a1c-2f3e4d5c6b7a';
    expect(() => parseStage('qa', { ...minimal, domainName: 'listener.example.com' })).toThrow(
      /certificateArn domainName and certificateArn go together/,
    );
    expect(() =>
      parseStage('qa', {
        ...minimal,
        region: 'us-east-1',
        domainName: 'listener.example.com',
        certificateArn: cert,
      }),
    ).toThrow(/certificateArn must be a certificate in the stage's region us-east-1/);
    expect(
      parseStage('qa', {
        ...minimal,
        region: 'eu-west-1',
        domainName: 'listener.example.com',
        certificateArn: cert,
      }).domainName,
    ).toBe('listener.example.com');
  });

  it('sizes each Logger route, refusing a burst below its rate', () => {
    const routes = {
      heartbeat: { rateLimit: 10, burstLimit: 5 },
      events: { rateLimit: 1, burstLimit: 1 },
      relay: { rateLimit: 1, burstLimit: 1 },
    };
    expect(() =>
      parseStage('qa', { ...minimal, throttling: { rateLimit: 10, burstLimit: 20, routes } }),
    ).toThrow(/throttling\.routes\.heartbeat\.burstLimit must be ≥ rateLimit/);
  });

  it('lets a subscriber filter on the critical CUSTOMER_BLIND kind', () => {
    const sms = { number: '+447700900123', filter: { kinds: ['CUSTOMER_BLIND'] } };
    expect(parseStage('qa', { ...minimal, alarmSms: [sms] }).alarmSms[0]?.filter?.kinds).toEqual([
      'CUSTOMER_BLIND',
    ]);
  });

  it('keeps prod data: retain removal policy', () => {
    expect(loadStage('prod', STAGES).removalPolicy).toBe('retain');
  });

  it('rejects an unknown stage, listing the valid ones', () => {
    expect(() => loadStage('qa', STAGES)).toThrow(StageConfigError);
    expect(() => loadStage('qa', STAGES, 'stages.json')).toThrow(
      /unknown stage "qa": valid stages in stages.json are dev, prod, prod-pair — add "qa" to stages.json/,
    );
  });

  it('rejects a missing stage, naming how to pass one and the valid ones', () => {
    expect(() => loadStage(undefined, STAGES)).toThrow(/pass -c stage=<name>, one of dev, prod/);
  });

  it('does not take inherited object keys for stages', () => {
    expect(() => loadStage('toString')).toThrow(/unknown stage/);
  });

  it('rejects an invalid stage naming every bad field', () => {
    const bad = { ...minimal, eventTimeout: '13 hours', alarmEmails: [{ address: 'not-an-email' }] };
    expect(() => parseStage('qa', bad)).toThrow(
      /stage "qa" is invalid: .*eventTimeout.*alarmEmails\.0\.address/,
    );
  });

  it('rejects unknown fields, so a typo does not silently fall back to a default', () => {
    expect(() => parseStage('qa', { ...minimal, sweepRat: '5m' })).toThrow(/sweepRat/);
  });

  it('requires the heartbeat interval to be at least an hour below the event timeout', () => {
    expect(() => parseStage('qa', { ...minimal, eventTimeout: '60m', heartbeatInterval: '30m' })).toThrow(
      /heartbeatInterval must be at least 60 minutes below eventTimeout/,
    );
    expect(() =>
      parseStage('qa', { ...minimal, eventTimeout: '90m', heartbeatInterval: '30m' }),
    ).not.toThrow();
  });

  it('requires a sweep rate of whole minutes', () => {
    expect(() => parseStage('qa', { ...minimal, sweepRate: '90s' })).toThrow(
      /sweepRate must be whole minutes/,
    );
  });

  it('rejects SMS numbers not in E.164 form and unknown severities in filters', () => {
    expect(() => parseStage('qa', { ...minimal, alarmSms: [{ number: '07700 900123' }] })).toThrow(/E\.164/);
    expect(() =>
      parseStage('qa', {
        ...minimal,
        alarmEmails: [{ address: 'a@example.com', filter: { minSeverity: 'fatal' } }],
      }),
    ).toThrow(/minSeverity/);
  });

  it('rejects a burst limit below the rate limit', () => {
    expect(() => parseStage('qa', { ...minimal, throttling: { rateLimit: 10, burstLimit: 5 } })).toThrow(
      /burstLimit/,
    );
  });

  it('rejects a log retention CloudWatch does not offer', () => {
    expect(() => parseStage('qa', { ...minimal, logRetentionDays: 10 })).toThrow(
      /logRetentionDays must be one of/,
    );
  });

  it('rejects stage names that cannot be part of a stack name', () => {
    expect(() => parseStage('Prod_1', minimal)).toThrow(/stage name "Prod_1"/);
  });

  it('turns a minimum severity into the list of severities at or above it', () => {
    expect(severitiesFrom('info')).toEqual(['info', 'warning', 'error', 'critical']);
    expect(severitiesFrom('error')).toEqual(['error', 'critical']);
    expect(severitiesFrom('critical')).toEqual(['critical']);
  });

  it('names the stack after the stage', () => {
    expect(stackNameFor('dev')).toBe('PhoneHomeListener-dev');
  });
});

describe('the stages file (settings the operator owns)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'phl-stages-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('is optional for dev: without a file only the built-in dev stage exists', () => {
    expect(Object.keys(BUILT_IN_STAGES)).toEqual(['dev']);
    expect(() => loadStage('dev')).not.toThrow();
    expect(() => loadStage('prod')).toThrow(/unknown stage "prod"/);
  });

  it("adds a named file's stages to dev, ignoring $ comment keys, and lets the file replace dev", () => {
    const path = write(
      'mine.json',
      JSON.stringify({
        $comment: 'ours',
        live: { listenerName: 'GEOCSCLNRA', removalPolicy: 'retain' },
        dev: { listenerName: 'OUR-DEV', removalPolicy: 'destroy' },
      }),
    );
    const { stages, source } = readStages(path);
    expect(Object.keys(stages).sort()).toEqual(['dev', 'live']);
    expect(source).toBe(path);
    expect(loadStage('dev', stages).listenerName).toBe('OUR-DEV');
  });

  it('reads the tracked examples: prod and prod-pair', () => {
    expect(Object.keys(readStages(EXAMPLE_STAGES_PATH).stages)).toEqual(['dev', 'prod', 'prod-pair']);
  });

  it('names a missing file and what to do', () => {
    expect(() => readStages(join(dir, 'nope.json'))).toThrow(
      /stages file .*nope\.json not found — write it \(start from stages\.example\.json\) or name another with -c stages=PATH/,
    );
  });

  it('names a file that is not JSON, or not an object of stages, and the shape to write', () => {
    expect(() => readStages(write('broken.json', '{ "prod": '))).toThrow(
      /broken\.json is not valid JSON .* — write a JSON object of stages, e\.g\. \{ "prod"/,
    );
    expect(() => readStages(write('list.json', '[]'))).toThrow(/list\.json is not an object of stages/);
  });

  it('names the file, the stage, the field and what to write for a bad stage', () => {
    const path = write(
      'bad.json',
      JSON.stringify({ live: { listenerName: 'GEOCSCLNRA', removalPolicy: 'keep' } }),
    );
    const { stages, source } = readStages(path);
    expect(() => loadStage('live', stages, source)).toThrow(
      new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: stage "live" is invalid: removalPolicy `),
    );
  });
});
