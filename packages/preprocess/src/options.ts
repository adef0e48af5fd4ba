import type { z } from 'zod';
import { PreprocessError } from './errors.js';

/**
 * Validates caller options with a zod schema.
 * @throws PreprocessError `INVALID_OPTION` naming the field, the offending value and the rule.
 */
export function parseOptions<S extends z.ZodType>(schema: S, options: unknown, scan: string, operation: string): z.infer<S> {
  const r = schema.safeParse(options);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field = issue.path.join('.') || '(options)';
  let value: unknown = options;
  for (const key of issue.path) value = (value as Record<PropertyKey, unknown> | undefined)?.[key as PropertyKey];
  throw new PreprocessError('INVALID_OPTION', scan,
    `${operation} option '${field}' = ${JSON.stringify(value)} is invalid: ${issue.message}`);
}
