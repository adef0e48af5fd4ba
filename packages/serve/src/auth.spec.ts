import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSecret, secretChecker, SecretError } from './auth.js';

const secret = 'a-long-enough-secret-value';

describe('loadSecret: from the environment or a file, never an argument', () => {
  it('reads API_AUTH_SECRET, else InnerEye\'s CUSTOMCONNSTR_API_AUTH_SECRET', () => {
    expect(loadSecret({ API_AUTH_SECRET: secret })).toBe(secret);
    expect(loadSecret({ CUSTOMCONNSTR_API_AUTH_SECRET: secret })).toBe(secret);
  });
  it('reads the file named by API_AUTH_SECRET_FILE, trimmed', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'seahorse-secret-'));
    try {
      const file = path.join(dir, 'secret');
      writeFileSync(file, `${secret}\n`);
      expect(loadSecret({ API_AUTH_SECRET_FILE: file })).toBe(secret);
      expect(() => loadSecret({ API_AUTH_SECRET_FILE: path.join(dir, 'missing') })).toThrow(/cannot read the secret file .*missing/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('refuses no secret and a short one, naming where it looked', () => {
    expect(() => loadSecret({})).toThrow(SecretError);
    expect(() => loadSecret({})).toThrow(/API_AUTH_SECRET/);
    expect(() => loadSecret({ API_AUTH_SECRET: 'short' })).toThrow(/5 characters; at least 16/);
  });
});

describe('secretChecker', () => {
  it('accepts exactly the secret', () => {
    const check = secretChecker(secret);
    expect(check(secret)).toBe(true);
    expect(check(`${secret} `)).toBe(false);
    expect(check(secret.slice(0, -1))).toBe(false);
    expect(check('')).toBe(false);
  });
});
