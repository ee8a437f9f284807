/**
 * A zod object that refuses unknown fields by listing the ALLOWED ones. zod's own message names the unknown
 * keys, which would send request input back to the caller (a field name can carry anything).
 *
 * zod/mini (tree-shakable) rather than the classic API: these schemas are on the Lambdas' hot path, where
 * the classic API with its locales tripled the bundle (docs/bundles.md). Without a locale, zod/mini says
 * only "Invalid input", so every schema and check in the bundled code carries its own message.
 */
import * as z from 'zod/mini';

export function strictObject<const Shape extends z.core.$ZodLooseShape>(shape: Shape) {
  const allowed = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `has a field it does not know; the allowed fields are ${allowed}`
        : 'must be a JSON object',
  });
}
