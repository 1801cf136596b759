import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createAdministrator, node, shot, useSession } from './session';

// A code block from the editor, against a real server and its real AssemblyScript compiler:
// add a Code Block, open its code, type an error and see it marked, fix it, build, deploy,
// run the test panel on a sample payload, and add the module again from the palette.

const session = useSession();
const CODE = '[data-testid="code-pane"] .monaco-editor .view-lines';

// Waits for `selector` to contain `text`, asking from the test side: while the editor's
// TypeScript service runs, Playwright's in-page polling (animation frames, timers inside the
// page) was seen to starve.
async function waitForText(page: Page, selector: string, text: string, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < until) {
    last = await page.evaluate((sel) => document.querySelector(sel)?.textContent ?? '', selector);
    if (last.includes(text)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`"${text}" never appeared in ${selector}; it shows: ${last}`);
}

async function waitForElement(page: Page, selector: string, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await page.evaluate((sel) => document.querySelector(sel) !== null, selector)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${selector} never appeared`);
}

// Replaces the whole code with `lines` in one insertion (as a paste does), so the editor's
// auto-closing of brackets, which reacts to typed characters, adds nothing.
async function replaceCode(page: Page, lines: string[]): Promise<void> {
  await page.click(CODE);
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(lines.join('\n'));
}

describe('the code block editor against a real nextra serve', () => {
  it('marks a build error, then builds, deploys and runs the fixed code', async () => {
    const { page } = session.browser;
    page.setDefaultTimeout(30_000);
    await createAdministrator(session);
    await page.locator('h1', { hasText: 'Flows' }).waitFor();

    await page.fill('#new-flow-name', 'code flow');
    await page.click('button:text-is("New flow")');
    await page.locator(node('start')).waitFor();
    await page.dragAndDrop('[data-testid="palette-code"]', '[data-testid="canvas"] .react-flow__pane', { targetPosition: { x: 420, y: 360 } });
    await page.locator(node('code_1')).waitFor();
    await page.click(node('code_1'));
    await page.click('[data-testid="edit-code"]');
    await page.locator('[data-testid="code-block-editor"]').waitFor();
    await page.locator(CODE).waitFor();

    await replaceCode(page, [
      'import { alloc, readInput, writeOutput } from "nextra";',
      'export { alloc };',
      'export function handle(ptr: usize, len: i32): i64 {',
      'return writeOutput(notDefined);',
      '}',
    ]);
    await page.click('[data-testid="build-module"]');
    await waitForText(page, '[data-testid="build-diagnostics"]', 'notDefined');
    expect(await page.locator('[data-testid="build-diagnostics"] li').first().textContent()).toMatch(/^4:\d+ /);
    await waitForElement(page, '[data-testid="code-pane"] .squiggly-error');
    await shot(page, '10-code-block-error');

    await replaceCode(page, [
      'import { alloc, readInput, writeOutput, getString, stringify } from "nextra";',
      'export { alloc };',
      'export function handle(ptr: usize, len: i32): i64 {',
      'const text = getString(readInput(ptr, len), "text");',
      'return writeOutput(`{"text":${stringify(text.toUpperCase())}}`);',
      '}',
    ]);
    await page.click('[data-testid="build-module"]');
    await waitForText(page, '[data-testid="build-result"]', 'Built:');
    await page.fill('[data-testid="module-name"]', 'shout-e2e');
    await page.click('[data-testid="deploy-module"]');
    await waitForText(page, '[data-testid="deployed-module"]', 'shout-e2e 1.0.0');

    await page.fill('#code-sample', '{"text": "hello from the test panel"}');
    await page.click('[data-testid="run-module"]');
    await waitForText(page, '[data-testid="run-output"]', 'HELLO FROM THE TEST PANEL');
    expect(await page.locator('[data-testid="run-result"]').textContent()).toMatch(/Fuel [\d,]+ · [\d.]+ ms/);
    await shot(page, '11-code-block-run');

    // The node now runs the deployed module (the inspector's picker shows it selected).
    await page.click('button:text-is("Close")');
    const picked = () =>
      page.evaluate(() => [...document.querySelectorAll('aside[aria-label="Inspector"] select')].some((s) => (s as HTMLSelectElement).value === 'shout-e2e'));
    for (let i = 0; i < 50 && !(await picked()); i++) await new Promise((r) => setTimeout(r, 200));
    expect(await picked()).toBe(true);

    // The palette's Custom tab offers the module; adding it makes a code block that runs it.
    await page.click('[role=tab]:text-is("Custom")');
    await waitForText(page, '[data-testid="palette-module-shout-e2e"]', 'shout-e2e');
    await page.click('[data-testid="palette-module-shout-e2e"]');
    await page.locator(node('code_2')).waitFor();
    await page.click(node('code_2'));
    for (let i = 0; i < 50 && !(await picked()); i++) await new Promise((r) => setTimeout(r, 200));
    expect(await picked()).toBe(true);
    await shot(page, '12-code-block-from-palette');
  });
});
