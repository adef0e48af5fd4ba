import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { writeFileAtomic } from './atomic-write.js';

/**
 * Seahorse's one JSON encoding of non-finite numbers (metrics of empty masks are NaN or
 * Infinity, which JSON cannot hold): `NaN`, `Infinity` and `-Infinity` are written as the strings
 * `"NaN"`, `"Infinity"` and `"-Infinity"`. Decoding is schema-directed ({@link jsonNumber}), so a
 * string field that happens to read "NaN" stays a string.
 */
const NON_FINITE = { NaN, Infinity, '-Infinity': -Infinity } as const;

/**
 * A number as {@link stringifyJson} writes it: a JSON number, or one of the strings `"NaN"`,
 * `"Infinity"`, `"-Infinity"`, decoded to the number.
 * @example
 * ```ts
 * z.object({ dice: jsonNumber() }).parse({ dice: 'NaN' }).dice; // NaN
 * ```
 */
export function jsonNumber() {
  return z.union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity']).transform((s) => NON_FINITE[s])]);
}

/**
 * JSON text, two-space indented with a final newline, non-finite numbers as strings (see
 * {@link jsonNumber}).
 * @example
 * ```ts
 * stringifyJson({ hd: Infinity }); // '{\n  "hd": "Infinity"\n}\n'
 * ```
 */
export function stringifyJson(value: unknown): string {
  return `${JSON.stringify(value, (_key, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 2)}\n`;
}

/** {@link stringifyJson} written with {@link writeFileAtomic} (folder created when missing). @throws FileWriteError. */
export function writeJsonAtomic(file: string, value: unknown): void {
  writeFileAtomic(file, stringifyJson(value), { createFolder: true });
}

/** What {@link readJsonFile} found. */
export type JsonFileRead<T> =
  | { readonly status: 'ok'; readonly value: T }
  | { readonly status: 'missing' }
  /** Unreadable, not JSON (a torn or foreign file), or not what the schema says; `reason` names the field. */
  | { readonly status: 'invalid'; readonly reason: string };

/**
 * Reads a JSON file and validates it with a zod schema (which decodes non-finite numbers with
 * {@link jsonNumber}). Never throws for a missing or invalid file: it says which it is.
 * @example
 * ```ts
 * const r = readJsonFile('/runs/42/plan.json', PlanSchema);
 * if (r.status === 'ok') use(r.value); else if (r.status === 'invalid') console.error(r.reason);
 * ```
 */
export function readJsonFile<S extends z.ZodType>(file: string, schema: S): JsonFileRead<z.output<S>> {
  if (!existsSync(file)) return { status: 'missing' };
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    return { status: 'invalid', reason: `not valid JSON: ${(err as Error).message}` };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { status: 'invalid', reason: `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}` };
  }
  return { status: 'ok', value: parsed.data };
}
