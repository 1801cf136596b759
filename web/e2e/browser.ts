import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Debian's Chromium, headless, with the flags that work on this machine (stack.md §10).
// Every request that is not for our server is aborted and remembered, so the test can
// prove the UI talks to nobody else.

export interface TestBrowser {
  page: Page;
  context: BrowserContext;
  external: string[];
  consoleErrors: string[];
  close: () => Promise<void>;
}

export async function openBrowser(serverUrl: string): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'nextra-e2e-chrome-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium',
    headless: true,
    // The smallest screen the UI promises to work on (issue #6).
    viewport: { width: 1280, height: 800 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const external: string[] = [];
  const origin = new URL(serverUrl).origin;
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(origin) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
    external.push(url);
    return route.abort();
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const consoleErrors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  return {
    page, context, external, consoleErrors,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
