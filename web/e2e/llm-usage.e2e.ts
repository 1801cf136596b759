import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shot, useSession } from './session';

// An agent's cost on the run detail: a real `nextra serve` runs a flow whose agent calls a
// local server speaking the OpenAI chat-completions API (allowlisted as a private address),
// and the runs page shows the run's LLM calls, tokens and cost, and the step that caused them.

const session = useSession({ NEXTRA_OUTBOUND_ALLOWLIST: '127.0.0.1' });
let provider: Server;
let providerUrl = '';

// One answer, streamed when asked, with the usage gpt-4o is priced for in data/llm_prices.json
// ($2.50 + $10 per million tokens: 1,000 + 500 tokens cost $0.0075).
function startProvider(): Promise<void> {
  provider = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const asked = JSON.parse(body) as { stream?: boolean };
      const usage = { prompt_tokens: 1000, completion_tokens: 500, total_tokens: 1500 };
      const text = 'Oslo, white and still';
      if (asked.stream) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { role: 'assistant', content: text } }] })}\n\n`);
        res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`);
        res.write(`data: ${JSON.stringify({ choices: [], usage })}\n\n`);
        res.end('data: [DONE]\n\n');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }], usage }));
    });
  });
  return new Promise((ok) => provider.listen(0, '127.0.0.1', () => {
    providerUrl = `http://127.0.0.1:${(provider.address() as { port: number }).port}/v1`;
    ok();
  }));
}

const flowYaml = () => `organism:
  name: poet
llm:
  default_model: gpt-4o
  backends:
    - name: main
      provider: openai-compatible
      base_url: "${providerUrl}"
payloads:
  CityQuery:
    city: string
  Poem:
    text: string
listeners:
  - name: poet
    payload_class: CityQuery
    handler: llm
    agent: true
    description: Writes a poem about a city
    prompt: Write a short poem.
    peers: [done]
  - name: done
    payload_class: Poem
    handler: output
    description: The poem
`;

beforeAll(startProvider);
afterAll(() => new Promise<void>((ok) => provider.close(() => ok())));

describe('LLM usage in the web UI', () => {
  it('shows a run’s LLM calls, tokens and cost, the step that caused them, and the month’s spend', async () => {
    const { page } = session.browser;
    page.setDefaultTimeout(20_000);
    const base = session.server.url;
    // Set up through the API in the browser's own context, so its session cookie is the page's.
    const signup = await page.request.post(`${base}/api/auth/signup`, {
      data: { email: 'poet@example.com', password: 'correct horse battery', name: 'Poet' },
    });
    expect(signup.status(), await signup.text()).toBe(201);
    const me = await (await page.request.get(`${base}/api/me`)).json();
    const headers = { 'X-CSRF-Token': me.csrfToken as string };
    const flow = await page.request.post(`${base}/api/flows`, { headers, data: { name: 'poet', organismYaml: flowYaml() } });
    expect(flow.status(), await flow.text()).toBe(201);
    const flowId = (await flow.json()).id as string;
    const trigger = await page.request.post(`${base}/api/flows/${flowId}/triggers`, { headers, data: { type: 'webhook', name: 'hook' } });
    expect(trigger.status(), await trigger.text()).toBe(201);
    const hook = (await trigger.json()).webhookPath as string;
    const run = await page.request.post(`${base}${hook}?wait=true`, { data: { city: 'Oslo' } });
    expect(run.status(), await run.text()).toBe(200);
    const executionId = (await run.json()).executionId as string;

    await page.goto(`${base}/flow/${flowId}/runs/${executionId}`);
    await page.locator('[data-testid="run-detail-status"]', { hasText: 'success' }).waitFor();
    expect(await page.locator('[data-testid="run-usage"]').textContent()).toBe('1 LLM call · 1,500 tokens · $0.0075');
    expect(await page.locator('[data-testid="step-usage"]').count()).toBe(1);
    await page.locator('button:has([data-testid="step-usage"])').click();
    expect(await page.locator('[data-testid="step-llm-call"]').textContent()).toContain('poet: gpt-4o via main · 1000 + 500 tokens · $0.0075');
    await shot(page, '09-run-llm-usage');

    // The dashboard's usage card: the month's spend, against a cap once one is set.
    const cap = await page.request.put(`${base}/api/usage/cap`, { headers, data: { monthlyCapUsd: 25 } });
    expect(cap.status(), await cap.text()).toBe(200);
    await page.goto(`${base}/dashboard`);
    await page.locator('[data-testid="llm-spend"]', { hasText: '$0.0075' }).waitFor();
    expect(await page.locator('[data-testid="llm-spend"]').textContent()).toBe('LLM spend this month: $0.0075 of $25.00');
  });
});
