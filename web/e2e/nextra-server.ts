import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

// Starts a real `nextra serve` on a free port with a throw-away data directory, serving the
// built web/dist, and stops it again. The binary comes from NEXTRA_BIN.

export interface RunningServer {
  url: string;
  log: () => string;
  stop: () => Promise<void>;
}

const WEB_DIR = resolve(import.meta.dirname, '..');

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

async function waitHealthy(url: string, child: ChildProcess, log: () => string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (child.exitCode !== null) throw new Error(`nextra serve exited with ${child.exitCode}:\n${log()}`);
    try {
      const r = await fetch(url + '/healthz');
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nextra serve did not become healthy:\n${log()}`);
}

// `env` adds to the server's environment (NEXTRA_OUTBOUND_ALLOWLIST for a local fake provider).
export async function startServer(env: Record<string, string> = {}): Promise<RunningServer> {
  const bin = resolve(WEB_DIR, process.env.NEXTRA_BIN ?? '../build/src/cli/nextra');
  if (!existsSync(bin)) throw new Error(`no nextra binary at ${bin}; build it or set NEXTRA_BIN`);
  const dist = join(WEB_DIR, 'dist');
  if (!existsSync(join(dist, 'index.html'))) throw new Error(`no built UI at ${dist}; run scripts/web.sh build first`);
  const dataDir = mkdtempSync(join(tmpdir(), 'nextra-e2e-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(bin, ['serve', '--listen', `127.0.0.1:${port}`, '--data-dir', dataDir, '--web-dir', dist], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NEXTRA_ADMIN_EMAIL: '', NEXTRA_ADMIN_PASSWORD: '', ...env },
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const log = () => output;
  await waitHealthy(url, child, log);
  return {
    url,
    log,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
