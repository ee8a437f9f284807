/**
 * The DynamoDB implementation of {@link EventLog}: event items (`LOGGER#<customer>/<side>` /
 * `EVENT#<event id>`, expiring; see table-schema.ts), stored idempotently by id and due for publication in
 * the `due` index until every channel delivered them.
 */
import { type DynamoDBDocumentClient, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { LoggerEvent } from '../../domain/event.js';
import type { LoggerId } from '../../domain/logger.js';
import type { EventLog, StoredEvents } from '../../ports/event-log.js';
import { guardStoreCall, isConditionFailure, isLostRace, landed } from './dynamo-errors.js';
import { EVENT_SK_PREFIX, eventFromItem, eventItem, eventKey, loggerKey } from './logger/dynamo-items.js';
import { PURGE_ATTRIBUTE, TTL_ATTRIBUTE } from './table-schema.js';

export class DynamoEventLog implements EventLog {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async putEvents(
    id: LoggerId,
    events: readonly LoggerEvent[],
    options: { expiresAt: number; publishRetryAt: number; now?: number },
  ): Promise<StoredEvents> {
    // An event id whose item has expired may be stored again, as after TTL deleted it (no TTL on a pair).
    const fresh =
      options.now === undefined
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : {
            ConditionExpression: 'attribute_not_exists(pk) OR #expiresAt <= :now',
            ExpressionAttributeNames: { '#expiresAt': TTL_ATTRIBUTE },
            ExpressionAttributeValues: { ':now': Math.floor(options.now / 1000) },
          };
    const outcomes = await Promise.all(
      events.map(async (event) => {
        try {
          await guardStoreCall(
            this.doc.send(
              new PutCommand({
                TableName: this.tableName,
                Item: eventItem(id, event, options),
                ...fresh,
              }),
            ),
          );
          return { event, stored: true };
        } catch (error) {
          if (isConditionFailure(error)) return { event, stored: false };
          throw error;
        }
      }),
    );
    return {
      stored: outcomes.filter((o) => o.stored).map((o) => o.event),
      duplicates: outcomes.filter((o) => !o.stored).map((o) => o.event),
    };
  }

  async recordEventDelivery(
    id: LoggerId,
    eventId: string,
    delivery: { readonly sent: readonly string[]; readonly complete: boolean; readonly failed: boolean },
  ): Promise<void> {
    const sets: string[] = [];
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    if (delivery.sent.length > 0) {
      sets.push('#sent = :sent');
      names['#sent'] = 'sent';
      values[':sent'] = [...delivery.sent];
    }
    if (delivery.failed) {
      sets.push('#failedAttempts = if_not_exists(#failedAttempts, :zero) + :one');
      names['#failedAttempts'] = 'failedAttempts';
      values[':zero'] = 0;
      values[':one'] = 1;
    }
    if (delivery.complete) {
      // Published everywhere: it stays in the due index only to be deleted at its expiry (an event stored
      // before `purgeAt` existed is parked at the end of time instead; TTL deletes it).
      sets.push('#dueAt = if_not_exists(#purgeAt, :never)');
      Object.assign(names, { '#dueAt': 'dueAt', '#purgeAt': PURGE_ATTRIBUTE });
      values[':never'] = NEVER;
    }
    const update = sets.length ? `SET ${sets.join(', ')}` : '';
    if (!update.trim()) return;
    try {
      await guardStoreCall(
        this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: eventKey(id, eventId),
            UpdateExpression: update.trim(),
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeNames: names,
            ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
          }),
        ),
      );
    } catch (error) {
      // The event expired (and was deleted) meanwhile: nothing left to record.
      if (!isConditionFailure(error)) throw error;
    }
  }

  async claimEvent(id: LoggerId, eventId: string, seenDueAt: number, retryAt: number): Promise<boolean> {
    return landed(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: eventKey(id, eventId),
          UpdateExpression: 'SET dueAt = :retryAt',
          ConditionExpression: 'dueAt = :seen',
          ExpressionAttributeValues: { ':retryAt': retryAt, ':seen': seenDueAt },
        }),
      ),
      isLostRace,
    );
  }

  async listEvents(id: LoggerId, limit: number): Promise<LoggerEvent[]> {
    const { Items } = await guardStoreCall(
      this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': loggerKey(id).pk, ':prefix': EVENT_SK_PREFIX },
        }),
      ),
    );
    return (Items ?? [])
      .map(eventFromItem)
      .sort((a, b) => b.receivedAt - a.receivedAt)
      .slice(0, limit);
  }
}

/** Where a published event waits in the due index when it has no `purgeAt` (stored before it existed). */
const NEVER = 8.64e15;
