// Starts a real `sluice serve` on a free port with a fresh data directory, and stops it.
// The address comes from the `sluice.started` JSON log line on stderr.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO = resolve(new URL('../../..', import.meta.url).pathname);

// SLUICE_BIN, else the ASan build `make test` makes, else the release build `make run` makes.
export function findSluice() {
  const candidates = [process.env.SLUICE_BIN, join(REPO, 'build/asan/bin/sluice'), join(REPO, 'build/release/bin/sluice')].filter(Boolean);
  const found = candidates.find((p) => existsSync(p));
  if (!found) {
    throw new Error(
      `no sluice binary: looked at ${candidates.join(', ')}; build one with scripts/build.sh release sluice, or set SLUICE_BIN`,
    );
  }
  return found;
}

export const ADMIN_PASSWORD = 'e2e-admin-password-1';

export async function startSluice({ bin = findSluice(), webDir = join(REPO, 'web/dist'), timeoutMs = 30_000 } = {}) {
  if (!existsSync(join(webDir, 'index.html'))) throw new Error(`${webDir}/index.html is missing; run scripts/build-web.sh`);
  const dataDir = mkdtempSync(join(tmpdir(), 'sluice-e2e-'));
  const args = ['serve', '--listen', '127.0.0.1:0', '--web-dir', webDir, '--data-dir', dataDir, '--log-format', 'json'];
  const child = spawn(bin, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, SLUICE_BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD },
  });
  const log = [];
  const address = await new Promise((resolveAddress, reject) => {
    const timer = setTimeout(() => reject(new Error(`sluice serve did not start within ${timeoutMs} ms:\n${log.join('\n')}`)), timeoutMs);
    let buffer = '';
    const onData = (chunk) => {
      buffer += chunk.toString();
      let nl;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        log.push(line);
        try {
          const entry = JSON.parse(line);
          if (entry.msg === 'sluice.started' && entry.listen) {
            clearTimeout(timer);
            resolveAddress(entry.listen);
          }
        } catch {
          // not a JSON line
        }
      }
    };
    child.stderr.on('data', onData);
    child.stdout.on('data', onData);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`sluice serve exited (${code ?? signal}) before it started:\n${log.join('\n')}`));
    });
  });
  const url = `http://${address}`;
  return {
    url,
    bin,
    dataDir,
    log,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
        child.kill('SIGTERM');
        const result = await Promise.race([exited, new Promise((r) => setTimeout(() => r(null), 10_000))]);
        if (!result) {
          child.kill('SIGKILL');
          throw new Error('sluice serve did not stop within 10 s of SIGTERM');
        }
        if (result.code !== 0)
          throw new Error(`sluice serve exited with ${result.code ?? result.signal} on SIGTERM:\n${log.slice(-20).join('\n')}`);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
