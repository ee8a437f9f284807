/** A zod schema for duration strings (`45s`, `780m`, `13h`, `2d`), shared by every validated config. */
import * as z from 'zod/mini';
import { parseDuration } from './domain/duration.js';

/** A duration string with a default, parsed to milliseconds; a bad one is an issue carrying the parser's message. */
export const durationSchema = (fallback: string) =>
  z.pipe(
    z._default(z.string({ error: 'must be a duration, e.g. 45s, 780m, 13h or 2d' }), fallback),
    z.transform((text: string, ctx) => {
      try {
        return parseDuration(text);
      } catch (error) {
        ctx.issues.push({ code: 'custom', message: (error as Error).message, input: text });
        return z.NEVER;
      }
    }),
  );
