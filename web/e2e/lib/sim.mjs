// Starts tests/sim's `sluice-sim` (a simulated Kubernetes cluster running Flink) for the
// sql-job-flow suite. The API server's URL comes from --ready-file, the credentials from
// --kubeconfig-out.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from './sluice.mjs';

export function findSim() {
  const candidates = [process.env.SLUICE_SIM_BIN, ...['asan', 'dev', 'release'].map((f) => join(REPO, `build/${f}/bin/sluice-sim`))].filter(
    Boolean,
  );
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`no sluice-sim binary: looked at ${candidates.join(', ')}; build the sim target, or set SLUICE_SIM_BIN`);
  return found;
}

export async function startSim({ bin = findSim(), timeoutMs = 30_000 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-sim-'));
  const ready = join(dir, 'ready');
  const kubeconfig = join(dir, 'kubeconfig');
  const child = spawn(bin, ['--listen', '127.0.0.1:0', '--kubeconfig-out', kubeconfig, '--ready-file', ready, '--startup-delay', '300ms'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const err = [];
  child.stderr.on('data', (c) => err.push(c.toString()));
  const started = Date.now();
  while (!existsSync(ready)) {
    if (child.exitCode !== null) throw new Error(`sluice-sim exited (${child.exitCode}): ${err.join('')}`);
    if (Date.now() - started > timeoutMs) throw new Error(`sluice-sim did not start within ${timeoutMs} ms: ${err.join('')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: readFileSync(ready, 'utf8').trim(),
    kubeconfig: readFileSync(kubeconfig, 'utf8'),
    kubeconfigPath: kubeconfig,
    dir,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// `sluice preflight --setup` for the job the flow submits (namespace default, service
// account flink): what `kubectl apply` of the fix would do on a real cluster.
export async function setUpNamespace(sluiceBin, sim, { timeoutMs = 60_000 } = {}) {
  const spec = join(sim.dir, 'job.yaml');
  writeFileSync(
    spec,
    [
      'apiVersion: sluice.dev/v1',
      'kind: FlinkJob',
      'metadata:',
      '  name: e2e-setup',
      'spec:',
      '  target: kubernetes-application',
      '  flinkVersion: "1.20"',
      '  image: flink:1.20',
      '  sql: "SELECT 1"',
      '',
    ].join('\n'),
  );
  const child = spawn(sluiceBin, ['preflight', '-f', spec, '--setup', '--kubeconfig', sim.kubeconfigPath], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = [];
  child.stdout.on('data', (c) => out.push(c.toString()));
  child.stderr.on('data', (c) => out.push(c.toString()));
  const code = await new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve('timeout');
    }, timeoutMs);
    child.once('exit', (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  if (code !== 0) throw new Error(`sluice preflight --setup on the simulator failed (${code}): ${out.join('')}`);
}
