/**
 * A zod object that refuses unknown fields by listing the ALLOWED ones. zod's own message names the unknown
 * keys, which would send request input back to the caller (a field name can carry anything).
 */
import { z } from 'zod';

export function strictObject<const Shape extends z.ZodRawShape>(shape: Shape) {
  const allowed = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `has a field it does not know; the allowed fields are ${allowed}`
        : undefined,
  });
}
