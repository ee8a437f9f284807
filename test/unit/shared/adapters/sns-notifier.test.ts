import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { SnsNotifier } from '../../../../shared/adapters/notify/sns-notifier.js';
import { stateNotification } from '../../../../shared/domain/notices/notification.js';
import { aLogger, T0 } from '../../fixtures.js';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:alarms';
const sns = mockClient(SNSClient);
afterEach(() => sns.reset());

const page = () =>
  stateNotification(
    aLogger({ state: 'DOWN', downSince: T0 }),
    { id: 'n1', kind: 'LOGGER_SILENT', at: T0, deadline: T0 },
    'GEOCSCLNRA',
  );

/** The string message attributes of the one Publish sent. */
function sentAttributes(): Record<string, string | undefined> {
  const calls = sns.commandCalls(PublishCommand);
  expect(calls).toHaveLength(1);
  const attributes = calls[0]?.args[0].input.MessageAttributes ?? {};
  return Object.fromEntries(Object.entries(attributes).map(([name, value]) => [name, value.StringValue]));
}

describe('SMS pages', () => {
  it('are sent as Transactional on every publish (the account default, Promotional, drops under load)', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm1' });
    await new SnsNotifier(new SNSClient({ region: 'eu-west-1' }), TOPIC).publish([page()]);
    expect(sentAttributes()).toMatchObject({ 'AWS.SNS.SMS.SMSType': 'Transactional', kind: 'LOGGER_SILENT' });
    expect(sentAttributes()).not.toHaveProperty('AWS.SNS.SMS.SenderID');
    expect(sentAttributes()).not.toHaveProperty('AWS.MM.SMS.OriginationNumber');
  });

  it("carry the stage's sender ID and origination number when it has them", async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm1' });
    const sender = { senderId: 'GEOLISTEN', originationNumber: '+447700900999' };
    await new SnsNotifier(new SNSClient({ region: 'eu-west-1' }), TOPIC, undefined, sender).publish([page()]);
    expect(sentAttributes()).toMatchObject({
      'AWS.SNS.SMS.SMSType': 'Transactional',
      'AWS.SNS.SMS.SenderID': 'GEOLISTEN',
      'AWS.MM.SMS.OriginationNumber': '+447700900999',
    });
  });
});
