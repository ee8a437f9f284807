import { describe, expect, it } from 'vitest';
import { snsPublishInput } from '../../../../shared/adapters/notify/sns-notifier.js';
import { emailLinks } from '../../../../shared/console/auth/links.js';
import { stateNotification } from '../../../../shared/domain/notices/notification.js';
import { aLogger, T0 } from '../../fixtures.js';
import { KEY } from './fakes.js';

describe('email notifications with the console', () => {
  it('carry the Logger page and the one-time acknowledge link in the email, not in the SMS', () => {
    const n = stateNotification(
      aLogger({ state: 'DOWN', downSince: T0 }),
      { id: 'n1', kind: 'LOGGER_SILENT', at: T0, deadline: T0 },
      'GEOCSCLNRA',
    );
    const input = snsPublishInput(
      'arn:aws:sns:eu-west-1:1:t',
      n,
      emailLinks(n, 'https://x.example/console', KEY, T0),
    );
    const message = JSON.parse(input.Message) as { email: string; sms: string };
    expect(message.email).toContain('Logger page: https://x.example/console/loggers/geocust1/A');
    expect(message.email).toMatch(
      /Acknowledge \(asks you to confirm; works once, for 12 hours\): https:\/\/x\.example\/console\/ack\?t=/,
    );
    expect(message.email.indexOf('Logger page')).toBeLessThan(message.email.indexOf('What to check'));
    expect(message.sms).not.toContain('console');
  });
});
