// Phase 2 (issue 6, "Done when"): the whole flow against the real server and the
// simulator — log in, write a SQL job with a mistake and see it marked at the right line,
// fix it, submit to a simulated Kubernetes cluster, watch it reach RUNNING live, take a
// savepoint, stop it with a savepoint, resume it. Written against the documented API;
// it runs once the server has the auth, cluster, SQL and job routes (run.mjs --phase 2).

import { check, equal, heading } from '../lib/check.mjs';
import { ADMIN_PASSWORD } from '../lib/sluice.mjs';
import { startSim } from '../lib/sim.mjs';

const BAD =
  "CREATE TABLE src (id BIGINT) WITH ('connector' = 'datagen');\nCREATE TABLE snk (id BIGINT) WITH ('connector' = 'print');\nINSERT INTO snk SELEC id FROM src;\n";
const GOOD = BAD.replace('SELEC ', 'SELECT ');

async function state(page) {
  return (await page.locator('h1 .badge').textContent())?.trim();
}

async function waitState(page, want, timeout = 60_000) {
  await page.locator('h1 .badge', { hasText: want }).waitFor({ timeout });
}

export default {
  name: 'sql-job-flow',
  phase: 2,
  description: 'log in, SQL mistake marked, fix, submit to the simulated cluster, RUNNING live, savepoint, stop with savepoint, resume',
  async run({ sluice, open, shot }) {
    const sim = await startSim();
    try {
      const { page, problems } = await open();
      await page.goto(`${sluice.url}/jobs`);
      await heading(page, 'Log in');
      await page.getByLabel('User name').fill('admin');
      await page.getByLabel('Password').fill(ADMIN_PASSWORD);
      await page.getByRole('button', { name: 'Log in' }).click();
      await heading(page, 'Jobs');

      // Register the simulated cluster through the UI.
      await page.goto(`${sluice.url}/clusters`);
      await page.getByRole('button', { name: 'Register a cluster' }).first().click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Name', { exact: true }).fill('sim');
      await dialog
        .getByLabel(/Kubeconfig file/)
        .setInputFiles({ name: 'kubeconfig', mimeType: 'text/yaml', buffer: Buffer.from(sim.kubeconfig) });
      await dialog.getByRole('button', { name: 'Save' }).click();
      await page.getByRole('article', { name: /sim/ }).waitFor();
      await page.getByRole('button', { name: 'Run preflight' }).click();
      await page.locator('.preflight').waitFor();
      await shot(page, 'flow-01-cluster');

      // The job: a mistake first.
      await page.goto(`${sluice.url}/jobs/new`);
      await page.getByLabel('Name', { exact: true }).fill('e2e-clicks');
      await page.getByLabel('Image', { exact: true }).fill('flink:1.20');
      await page.getByLabel('Cluster').selectOption('sim');
      await page.locator('.cm-content').click();
      await page.keyboard.insertText(BAD);
      const mark = page.locator('.cm-lintRange-error').first();
      await mark.waitFor({ timeout: 10_000 });
      const line = await mark.evaluate((el) => [...document.querySelectorAll('.cm-content .cm-line')].indexOf(el.closest('.cm-line')) + 1);
      equal(line, 3, 'the line the analyzer marks');
      await shot(page, 'flow-02-sql-error');
      await page.keyboard.press('Control+a');
      await page.keyboard.insertText(GOOD);
      await page
        .getByTestId('sql-summary')
        .getByText(/No problems|warning/)
        .waitFor({ timeout: 10_000 });

      await page.getByRole('button', { name: 'Submit' }).click();
      const progress = page.getByRole('region', { name: 'Submission progress' });
      await progress.getByText('Running').waitFor({ timeout: 120_000 });
      await shot(page, 'flow-03-submitted-running');

      await progress.getByRole('link', { name: 'Open the job' }).click();
      await waitState(page, 'RUNNING');
      await page.getByRole('link', { name: 'Savepoints' }).click();
      await page.getByRole('region', { name: 'Savepoints' }).getByRole('button', { name: 'Take savepoint' }).click();
      await page.getByText('COMPLETED').first().waitFor({ timeout: 60_000 });
      await shot(page, 'flow-04-savepoint');

      await page.getByRole('group', { name: 'Job actions' }).getByRole('button', { name: 'Stop' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Stop' }).click();
      await waitState(page, /FINISHED|CANCELED|SUSPENDED/);
      check(['FINISHED', 'CANCELED', 'SUSPENDED'].includes(await state(page)), 'stopped');
      await shot(page, 'flow-05-stopped');

      const resume = page.getByRole('group', { name: 'Job actions' }).getByRole('button', { name: /Resume|Deploy/ });
      await resume.click();
      await waitState(page, 'RUNNING', 120_000);
      await shot(page, 'flow-06-resumed');
      equal(problems.exceptions.length, 0, `uncaught exceptions: ${problems.exceptions.join('; ')}`);
    } finally {
      await sim.stop();
    }
  },
};
