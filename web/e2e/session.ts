import { afterAll, beforeAll, expect } from 'vitest';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { startServer, type RunningServer } from './nextra-server';
import { openBrowser, type TestBrowser } from './browser';

// What every end-to-end file needs: a real `nextra serve` and a browser on it for the whole
// file, screenshots into web/test-results/, and the canvas node selector.

export const SHOTS = resolve(import.meta.dirname, '../test-results');

export interface Session {
  server: RunningServer;
  browser: TestBrowser;
}

// Registers beforeAll/afterAll; the returned object is filled before the first test runs.
export function useSession(env: Record<string, string> = {}): Session {
  const session = {} as Session;
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    session.server = await startServer(env);
    session.browser = await openBrowser(session.server.url);
  });
  afterAll(async () => {
    await session.browser?.close();
    await session.server?.stop();
  });
  return session;
}

export const shot = (page: Page, name: string) => page.screenshot({ path: `${SHOTS}/${name}.png` });
export const node = (id: string) => `.react-flow__node[data-id="${id}"]`;

// Opens the first-start link a fresh `nextra serve` prints and creates the administrator
// (root@example.com), who is then logged in.
export async function createAdministrator(session: Session): Promise<void> {
  const { page } = session.browser;
  const link = /https?:\/\/\S+\/setup\?token=\S+/.exec(session.server.log());
  expect(link, session.server.log()).not.toBeNull();
  await page.goto(link![0]);
  await page.fill('#name', 'Root');
  await page.fill('#email', 'root@example.com');
  await page.fill('#password', 'a long admin password');
  await page.click('button[type=submit]');
  await page.locator('[data-testid="current-user"]', { hasText: 'root@example.com' }).waitFor();
}
