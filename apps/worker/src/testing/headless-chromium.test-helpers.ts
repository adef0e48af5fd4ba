// Headless Chromium for the browser tests: Debian's `chromium` (scripts/setup-chromium.sh), driven
// by puppeteer-core (no browser download). Under CI=true a missing Chromium is a failure; elsewhere
// the tests are skipped with the reason shown, as the shared-data tests are.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { isCI } from '@seahorse/testkit';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

/** The environment variable naming a Chromium binary, when it is not `chromium` on PATH. */
export const CHROMIUM_ENV = 'SEAHORSE_CHROMIUM';

/** The Chromium binary, or undefined when none is installed. */
export function findChromium(): string | undefined {
  const named = process.env[CHROMIUM_ENV];
  if (named) return existsSync(named) ? named : undefined;
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      const found = execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
      if (found) return found;
    } catch { /* not this one */ }
  }
  return undefined;
}

/**
 * Why the browser tests cannot run here (undefined when they can).
 * @throws Error under CI=true when Chromium is missing: CI never skips them silently.
 */
export function chromiumMissing(): string | undefined {
  if (findChromium()) return undefined;
  const reason = `no Chromium (install it with scripts/setup-chromium.sh, or set ${CHROMIUM_ENV})`;
  if (isCI()) throw new Error(`CI=true and ${reason}`);
  return reason;
}

/**
 * Flags that give headless Chromium WebGL2 without a GPU: ANGLE over SwiftShader (a CPU
 * implementation). `--no-sandbox` because the project's machines run tests as root.
 */
export const HEADLESS_WEBGL_ARGS = ['--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--use-gl=angle', '--ignore-gpu-blocklist', '--no-sandbox'];

export async function launchChromium(): Promise<Browser> {
  return await puppeteer.launch({ executablePath: findChromium()!, headless: true, args: HEADLESS_WEBGL_ARGS });
}

/** Console errors, uncaught page errors and failed requests of a page, as lines. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => errors.push(`page error: ${e instanceof Error ? e.message : String(e)}`));
  page.on('requestfailed', (r) => errors.push(`request failed: ${r.url().slice(0, 200)} (${r.failure()?.errorText ?? '?'})`));
  return errors;
}

/** RGBA pixels of a PNG, decoded by the browser itself (a 2D canvas), so no PNG decoder is needed here. */
export async function decodePng(browser: Browser, png: Uint8Array): Promise<{ width: number; height: number; rgba: Uint8ClampedArray }> {
  const page = await browser.newPage();
  try {
    // Browser-side code as a string: this project's TypeScript has no DOM types.
    const out = await page.evaluate(`(async () => {
      const img = new Image();
      img.src = 'data:image/png;base64,${Buffer.from(png).toString('base64')}';
      await img.decode();
      const c = document.createElement('canvas');
      c.width = img.naturalWidth;
      c.height = img.naturalHeight;
      const ctx = c.getContext('2d');
      ctx.drawImage(img, 0, 0);
      return { width: c.width, height: c.height, rgba: Array.from(ctx.getImageData(0, 0, c.width, c.height).data) };
    })()`) as { width: number; height: number; rgba: number[] };
    return { width: out.width, height: out.height, rgba: Uint8ClampedArray.from(out.rgba) };
  } finally {
    await page.close();
  }
}
