// The shared secret of InnerEye-Inference's `API_AUTH_SECRET` header: read from the environment
// or a file (never a command-line argument, which other users of the machine can read), and
// compared in constant time.
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** The request header that carries the secret, as InnerEye names it. */
export const AUTH_HEADER = 'API_AUTH_SECRET';

/** Where the secret is looked up, in this order. */
export const SECRET_SOURCES = {
  /** The secret itself. */
  env: 'API_AUTH_SECRET',
  /** InnerEye-Inference's own variable (Azure App Service's connection-string prefix). */
  innerEyeEnv: 'CUSTOMCONNSTR_API_AUTH_SECRET',
  /** A file holding the secret (one line; surrounding white space is ignored). */
  fileEnv: 'API_AUTH_SECRET_FILE',
} as const;

/** No secret configured, or an unusable one. */
export class SecretError extends Error {
  override readonly name = 'SecretError';
}

/** The smallest secret accepted: shorter ones are guessable. */
export const MIN_SECRET_LENGTH = 16;

/**
 * Reads the service's secret from `API_AUTH_SECRET`, `CUSTOMCONNSTR_API_AUTH_SECRET`, or the file
 * named by `API_AUTH_SECRET_FILE` (or `options.file`).
 * @throws SecretError when none is set, the file cannot be read, or the secret is too short.
 */
export function loadSecret(env: NodeJS.ProcessEnv = process.env, options: { file?: string } = {}): string {
  const file = options.file ?? env[SECRET_SOURCES.fileEnv];
  let secret: string | undefined;
  let source: string;
  if (file) {
    source = `file ${file}`;
    try {
      secret = readFileSync(file, 'utf8').trim();
    } catch (err) {
      throw new SecretError(`cannot read the secret file ${file}: ${(err as Error).message}`);
    }
  } else {
    secret = env[SECRET_SOURCES.env] ?? env[SECRET_SOURCES.innerEyeEnv];
    source = env[SECRET_SOURCES.env] !== undefined ? SECRET_SOURCES.env : SECRET_SOURCES.innerEyeEnv;
  }
  if (secret === undefined || secret.length === 0) {
    throw new SecretError(`no secret: set ${SECRET_SOURCES.env} (or ${SECRET_SOURCES.innerEyeEnv}), or ${SECRET_SOURCES.fileEnv} to a file holding it`);
  }
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new SecretError(`the secret from ${source} has ${secret.length} characters; at least ${MIN_SECRET_LENGTH} are required`);
  }
  return secret;
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * A checker for the header's value. Both sides are hashed first, so the comparison takes the same
 * time whatever the length or content of the guess.
 */
export function secretChecker(secret: string): (candidate: string) => boolean {
  const expected = digest(secret);
  return (candidate) => timingSafeEqual(digest(candidate), expected);
}
