/**
 * The DynamoDB implementation of {@link AuditLog}: each entry is an item under its Logger's partition,
 * `sk = AUDIT#<ISO time>#<id>` (sorted by time), expiring like events (deleted by the sweeper at its
 * expiry, and by TTL where the table has it). Removing a Logger removes its record with it.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { formatLoggerId, type LoggerId, parseLoggerId } from '../../domain/logger.js';
import { AUDIT_ACTIONS, type AuditAction, type AuditEntry, type AuditLog } from '../../ports/audit-log.js';
import { guardStoreCall } from './dynamo-errors.js';
import { expiring, shardOf } from './logger/dynamo-items.js';

export const AUDIT_SK_PREFIX = 'AUDIT#';

function auditPk(id: LoggerId): string {
  return `LOGGER#${formatLoggerId(id)}`;
}

export class DynamoAuditLog implements AuditLog {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
    /** How long entries are kept (the events' retention). */
    private readonly retentionMs: number,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async append(entry: AuditEntry): Promise<void> {
    await guardStoreCall(
      this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: auditPk(entry.loggerId),
            sk: `${AUDIT_SK_PREFIX}${new Date(entry.at).toISOString()}#${entry.id}`,
            auditId: entry.id,
            at: entry.at,
            action: entry.action,
            actor: entry.actor,
            via: entry.via,
            detail: entry.detail,
            ...expiring(entry.at + this.retentionMs, shardOf(entry.loggerId)),
          },
          // An id is written once: a retried append never duplicates a line.
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    ).catch((error: Error) => {
      if (error.name !== 'ConditionalCheckFailedException') throw error;
    });
  }

  async list(loggerId: LoggerId, limit: number): Promise<AuditEntry[]> {
    const { Items } = await guardStoreCall(
      this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': auditPk(loggerId), ':prefix': AUDIT_SK_PREFIX },
          ScanIndexForward: false,
          Limit: limit,
        }),
      ),
    );
    return (Items ?? []).map((item) => entryFromItem(item));
  }
}

function entryFromItem(item: Record<string, unknown>): AuditEntry {
  const action = String(item.action) as AuditAction;
  const via = String(item.via);
  return {
    id: String(item.auditId),
    at: Number(item.at),
    loggerId: parseLoggerId(String(item.pk).slice('LOGGER#'.length)),
    action: AUDIT_ACTIONS.includes(action) ? action : 'ack',
    actor: String(item.actor),
    via: via === 'console' || via === 'email-link' ? via : 'cli',
    ...(typeof item.detail === 'string' ? { detail: item.detail } : {}),
  };
}
