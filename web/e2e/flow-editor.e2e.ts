import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createAdministrator, node, shot, useSession } from './session';

// The whole path a new user takes, against a real server: sign up, build a flow on the
// canvas, watch the YAML follow, edit the YAML and watch the canvas follow, save, start,
// run it with a payload and find the successful run on the runs page.

const session = useSession();

async function yamlContains(page: Page, text: string): Promise<void> {
  await page.waitForFunction(
    (t) => (document.querySelector('.monaco-editor .view-lines')?.textContent ?? '').replace(/\u00a0/g, ' ').includes(t),
    text,
  );
}

// Replaces the text of one line (after its indentation) through Monaco's Go to Line. Typing
// several lines is avoided on purpose: Monaco auto-indents each new line as a user's typing.
async function replaceLine(page: Page, line: number, text: string): Promise<void> {
  await page.click('.monaco-editor .view-lines');
  await page.keyboard.press('Control+G');
  await page.keyboard.insertText(String(line));
  await page.keyboard.press('Enter');
  await page.keyboard.press('End');
  await page.keyboard.press('Shift+Home');
  await page.keyboard.insertText(text);
}

async function dragFromPalette(page: Page, kind: string, x: number, y: number): Promise<void> {
  await page.dragAndDrop(`[data-testid="palette-${kind}"]`, '[data-testid="canvas"] .react-flow__pane', { targetPosition: { x, y } });
}

async function connect(page: Page, source: string, target: string): Promise<void> {
  const from = (await page.locator(`${node(source)} .react-flow__handle.source`).boundingBox())!;
  const to = (await page.locator(`${node(target)} .react-flow__handle.target`).boundingBox())!;
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 12 });
  await page.mouse.up();
}

describe('the web UI against a real nextra serve', () => {
  it('opens the setup link that a fresh nextra serve prints and creates the administrator', async () => {
    const { page } = session.browser;
    page.setDefaultTimeout(20_000);
    await createAdministrator(session);
    await page.click('button:text-is("Log out")');
    await page.locator('a:text-is("Sign up")').first().waitFor();
  });

  it('signs up, builds, edits, saves, starts and runs a flow', async () => {
    const { page } = session.browser;
    page.setDefaultTimeout(20_000);

    await page.goto(session.server.url + '/signup');
    await page.fill('#name', 'Ada');
    await page.fill('#email', 'ada@example.com');
    await page.fill('#password', 'correct horse battery');
    await page.click('button[type=submit]');
    await page.locator('h1', { hasText: 'Flows' }).waitFor();
    await shot(page, '01-dashboard');

    await page.fill('#new-flow-name', 'e2e flow');
    await page.click('button:text-is("New flow")');
    await page.locator(node('start')).waitFor();

    // Clear the server's starter template, then draw the flow from the palette.
    for (const id of ['start', 'output']) {
      await page.click(node(id));
      await page.keyboard.press('Delete');
      await page.locator(node(id)).waitFor({ state: 'detached' });
    }
    await dragFromPalette(page, 'trigger', 120, 220);
    await dragFromPalette(page, 'transform', 380, 220);
    await dragFromPalette(page, 'output', 680, 220);
    await page.locator(node('output_1')).waitFor();
    await connect(page, 'trigger:manual_1', 'transform_1');
    await connect(page, 'transform_1', 'output_1');
    await page.locator('.react-flow__edge').nth(1).waitFor();
    expect(await page.locator('.react-flow__edge').count()).toBe(2);
    await shot(page, '02-canvas-built');

    // The YAML follows the canvas.
    await page.click('button:text-is("Split")');
    await page.locator('.monaco-editor').waitFor();
    await yamlContains(page, 'name: transform_1');
    await yamlContains(page, 'peers: [ output_1 ]');
    await yamlContains(page, 'target: transform_1');
    await shot(page, '03-split-yaml-follows');

    // The canvas follows the YAML: add a webhook trigger by typing it.
    await page.click('.monaco-editor .view-lines');
    await page.keyboard.press('Control+End');
    await page.keyboard.insertText('  - { name: hook, type: webhook, target: transform_1 }\n');
    await page.locator(node('trigger:hook')).waitFor();
    await page.locator('[data-testid="node-count"]', { hasText: 'Nodes: 4' }).waitFor();
    await shot(page, '04-canvas-follows-yaml');

    await page.click('button:text-is("Save")');
    await page.locator('[data-testid="save-state"]', { hasText: 'Saved' }).waitFor();
    expect(await page.locator('[data-testid="problem-count"]').textContent()).toContain('0 errors');

    await page.click('button:text-is("Start")');
    await page.locator('[data-testid="flow-status"]', { hasText: 'running' }).waitFor();

    await page.click('button:text-is("Run")');
    await page.locator('[role=dialog]').waitFor();
    await page.fill('#run-f-text', 'hello from e2e');
    await page.click('[role=dialog] button[type=submit]');
    await page.locator('[data-testid="run-status"]', { hasText: 'success' }).waitFor();
    // The live run is drawn on the canvas: each listener shows how many messages it received.
    await page.locator(`${node('output_1')} [aria-label="1 messages received"]`).waitFor();
    await page.locator('[data-testid="rf__edge-trigger:manual_1->transform_1"] .react-flow__edge-text', { hasText: '1' }).waitFor();
    expect(await page.locator('[data-testid="rf__edge-trigger:hook->transform_1"] .react-flow__edge-text').count()).toBe(0);
    await shot(page, '05-run-live');

    await page.click('button:text-is("Stop")');
    await page.locator('[data-testid="flow-status"]', { hasText: 'stopped' }).waitFor();

    await page.click('a:text-is("Runs")');
    await page.locator('[data-testid="run-row-status"]', { hasText: 'success' }).first().waitFor();
    await page.locator('[data-testid="runs-table"] tbody a').first().click();
    await page.locator('[data-testid="run-detail-status"]', { hasText: 'success' }).waitFor();
    expect(await page.locator('[data-testid="run-output"]').textContent()).toContain('hello from e2e');
    await shot(page, '06-runs-page');

    await page.click('button[aria-label="Switch to dark theme"]');
    await page.locator('html.dark').waitFor({ state: 'attached' });
    await shot(page, '07-runs-page-dark');

    expect(session.browser.external).toEqual([]);
    // The only expected console noise is the 401 of /api/me before signing up.
    expect(session.browser.consoleErrors.filter((m) => !m.includes('401'))).toEqual([]);
  });

  it('marks the server validator\'s problems in the YAML view, then saves, diffs, publishes and restores versions', async () => {
    const { page } = session.browser;
    await page.goto(session.server.url + '/dashboard');
    await page.fill('#new-flow-name', 'yaml flow');
    await page.click('button:text-is("New flow")');
    await page.locator(node('start')).waitFor();
    await page.click('button:text-is("YAML")');
    await page.waitForURL(/\/yaml$/);
    await page.locator('.monaco-editor').waitFor();

    // The starter template: line 23 is the output listener's handler, line 24 its description.
    await replaceLine(page, 23, 'handler: outptu');
    await page.locator('[data-testid="problem-count"]', { hasText: '1 error' }).waitFor();
    await page.locator('.monaco-editor .squiggly-error').first().waitFor();
    await shot(page, '08-yaml-problem-marker');

    // Ctrl+Z in Monaco goes through the editor's single history.
    await page.keyboard.press('Control+Z');
    await page.locator('[data-testid="problem-count"]', { hasText: '0 errors' }).waitFor();
    await page.locator('[data-testid="save-state"]', { hasText: 'Saved' }).waitFor();

    await replaceLine(page, 24, 'description: The final answer');
    await page.click('button:text-is("Save")');
    await page.locator('[data-testid="save-state"]', { hasText: 'Saved' }).waitFor();

    await page.click('button:text-is("History")');
    const panel = page.locator('aside[aria-label="Version history"]');
    await panel.locator('text=v2 · latest').waitFor();
    await panel.locator('button:text-is("Diff")').first().click();
    await panel.locator('text=+     description: The final answer').waitFor();
    await panel.locator('button:text-is("Publish")').first().click();
    await panel.locator('text=v2 · live · latest').waitFor();
    await panel.locator('button:text-is("Restore")').first().click();
    await panel.locator('text=v3 · latest').waitFor();
    await yamlContains(page, 'description: The result of the flow');
    await shot(page, '09-versions');

    // Without a mouse: Enter on a palette item adds the node; the inspector's peer list draws the edge.
    await page.click('button[aria-label="Close version history"]');
    await page.click('button:text-is("Canvas")');
    await page.focus('[data-testid="palette-llm"]');
    await page.keyboard.press('Enter');
    await page.locator(node('agent_1')).waitFor();
    await page.selectOption('#add-peer', 'output');
    await page.locator('[data-testid="rf__edge-agent_1->output"]').waitFor();
    await page.locator('[data-testid="node-count"]', { hasText: 'Nodes: 3' }).waitFor();
  });

  it('creates an API key and a secret in the settings', async () => {
    const { page } = session.browser;
    await page.goto(session.server.url + '/settings/api-keys');
    await page.fill('#key-name', 'ci');
    await page.click('button:text-is("Create key")');
    expect(await page.locator('[data-testid="new-api-key"]').textContent()).toMatch(/^nxk_/);
    await page.click('a:text-is("Secrets")');
    await page.fill('#secret-name', 'OPENAI_API_KEY');
    await page.fill('#secret-value', 'sk-test');
    await page.click('button:text-is("Save secret")');
    await page.locator('td code', { hasText: 'OPENAI_API_KEY' }).waitFor();
    await page.click('a:text-is("Members & roles")');
    await page.locator('td', { hasText: 'ada@example.com' }).waitFor();
    await shot(page, '10-settings-members');
    expect(session.browser.external).toEqual([]);
  });

  it('logs out, is sent to log in from a protected page, and comes back to it', async () => {
    const { page } = session.browser;
    await page.click('button:text-is("Log out")');
    await page.locator('a:text-is("Log in")').first().waitFor();
    await page.goto(session.server.url + '/settings/secrets');
    await page.waitForURL(/\/login\?next=/);
    await page.fill('#email', 'ada@example.com');
    await page.fill('#password', 'wrong password');
    await page.click('button[type=submit]');
    await page.locator('[role=alert]').waitFor();
    await page.fill('#password', 'correct horse battery');
    await page.click('button[type=submit]');
    await page.waitForURL(/\/settings\/secrets$/);
    await page.locator('td code', { hasText: 'OPENAI_API_KEY' }).waitFor();
  });
});
