/**
 * One-time links (console sign-in, email acknowledge): each link id is accepted once. DynamoDB implements
 * it (shared/adapters/dynamo/dynamo-console-items.ts).
 */
export interface UsedLinks {
  /** Marks the link used; false if it already was (kept until `expiresAt`, the link's own expiry). */
  claim(linkId: string, expiresAt: number): Promise<boolean>;
}
