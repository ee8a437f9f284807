/** `listener test-page`, with SNS faked at the client: who gets a TEST notice, and who cannot. */
import {
  GetSubscriptionAttributesCommand,
  ListSubscriptionsByTopicCommand,
  PublishCommand,
  SNSClient,
} from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { accepts, attributesAccepted, sendTestPage, testNotice } from '../../../../cli/deploy/test-page.js';

const sns = mockClient(SNSClient);
afterEach(() => sns.reset());

const ALARM = 'arn:aws:sns:eu-west-1:123456789012:alarm';
const OPS = 'arn:aws:sns:eu-west-1:123456789012:ops';
const topics = [
  { name: 'alarm', arn: ALARM },
  { name: 'ops', arn: OPS },
];
const REP_FILTER = {
  customer: ['geocust1'],
  $or: [{ kind: ['LOGGER_SILENT', 'LOGGER_RECOVERED'] }, { kind: ['LOGGER_EVENT'], severity: ['warning'] }],
};
const ONCALL_FILTER = { kind: ['LOGGER_SILENT', 'CUSTOMER_BLIND', 'LOGGER_RECOVERED'] };

function subscribers() {
  sns.on(ListSubscriptionsByTopicCommand, { TopicArn: ALARM }).resolves({
    Subscriptions: [
      { SubscriptionArn: `${ALARM}:all`, Protocol: 'email', Endpoint: 'icm-support@customer.net' },
      { SubscriptionArn: `${ALARM}:rep`, Protocol: 'email', Endpoint: 'rep@customer.net' },
      { SubscriptionArn: `${ALARM}:oncall`, Protocol: 'sms', Endpoint: '+447911123456' },
      { SubscriptionArn: 'PendingConfirmation', Protocol: 'email', Endpoint: 'new@customer.net' },
    ],
  });
  sns.on(ListSubscriptionsByTopicCommand, { TopicArn: OPS }).resolves({
    Subscriptions: [{ SubscriptionArn: `${OPS}:ops`, Protocol: 'email', Endpoint: 'ops@customer.net' }],
  });
  sns.on(GetSubscriptionAttributesCommand).resolves({ Attributes: {} });
  sns.on(GetSubscriptionAttributesCommand, { SubscriptionArn: `${ALARM}:rep` }).resolves({
    Attributes: { FilterPolicy: JSON.stringify(REP_FILTER) },
  });
  sns.on(GetSubscriptionAttributesCommand, { SubscriptionArn: `${ALARM}:oncall` }).resolves({
    Attributes: { FilterPolicy: JSON.stringify(ONCALL_FILTER) },
  });
  sns.on(PublishCommand).resolves({ MessageId: 'm' });
}

const notice = testNotice('GEOCSCLNRA', 'prod', new Date('2026-12-07T12:00:00Z'));

describe('listener test-page', () => {
  it('reaches every confirmed subscriber of both topics, filtered ones through attributes their filter accepts', async () => {
    subscribers();
    const deliveries = await sendTestPage(new SNSClient({ region: 'eu-west-1' }), topics, notice);
    const line = (d: (typeof deliveries)[number]) =>
      `${d.topic} ${d.protocol} ${d.endpoint}: ${d.missed ?? d.notices}`;
    expect(deliveries.map(line)).toEqual([
      'alarm email new@customer.net: pending confirmation',
      // Unfiltered: every notice published (one unfiltered, one the rep's filter accepts, which on-call's accepts too).
      'alarm email icm-support@customer.net: 2',
      'alarm email rep@customer.net: 1',
      'alarm sms +447911123456: 1',
      'ops email ops@customer.net: 1',
    ]);
    const published = sns.commandCalls(PublishCommand).map((c) => c.args[0].input);
    expect(published.map((p) => p.TopicArn)).toEqual([ALARM, ALARM, OPS]);
  });

  it('marks every notice as a test: TEST in the subject and texts, `test` attribute, sent Transactional', async () => {
    subscribers();
    await sendTestPage(new SNSClient({ region: 'eu-west-1' }), topics, notice, { senderId: 'GEOLISTEN' });
    for (const call of sns.commandCalls(PublishCommand)) {
      const input = call.args[0].input;
      expect(input.Subject).toBe('TEST: Phone Home Listener GEOCSCLNRA can reach you');
      const texts = JSON.parse(input.Message ?? '{}') as Record<string, string>;
      for (const text of Object.values(texts))
        expect(text).toMatch(/^TEST from Phone Home Listener GEOCSCLNRA \(stage prod\)/);
      expect(input.MessageAttributes).toMatchObject({
        test: { DataType: 'String', StringValue: 'true' },
        'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
        'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: 'GEOLISTEN' },
      });
    }
  });

  it('builds attributes a filter accepts, and none for operators it cannot satisfy with a string', () => {
    const attributes = attributesAccepted(REP_FILTER);
    expect(attributes).toEqual({ customer: 'geocust1', kind: 'LOGGER_SILENT' });
    expect(accepts(REP_FILTER, attributes ?? {})).toBe(true);
    expect(accepts(ONCALL_FILTER, { kind: 'LOGGER_EVENT' })).toBe(false);
    expect(attributesAccepted({ severity: [{ prefix: 'warn' }] })).toBeUndefined();
  });
});
