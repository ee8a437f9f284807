/** A zod schema for duration strings (`45s`, `780m`, `13h`, `2d`), shared by every validated config. */
import { z } from 'zod';
import { parseDuration } from './domain/duration.js';

/** A duration string with a default, parsed to milliseconds; a bad one is an issue carrying the parser's message. */
export const durationSchema = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      try {
        return parseDuration(text);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    });
