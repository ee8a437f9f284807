/**
 * The console's signing key (sessions, CSRF, one-time links); created once, shared by every function.
 * DynamoDB implements it (shared/adapters/dynamo/dynamo-console-items.ts).
 */
export interface ConsoleKeys {
  /** The key, creating it first if `create` and none exists; undefined if none exists and `create` is false. */
  key(create: boolean): Promise<Buffer | undefined>;
}
