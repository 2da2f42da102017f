// Issue 6, "Done when": the whole flow against the real server and the simulator (no
// mock) — log in, register the simulated Kubernetes cluster and run its preflight (what is
// missing, then ready), write a SQL job with a mistake and see it marked at the right line,
// fix it, complete and check option keys from the server's catalog, preview the rendered
// Deployment before submitting, submit, watch it reach RUNNING live, take a savepoint, stop
// it with a savepoint, resume it from that savepoint.

import { check, equal, heading } from '../lib/check.mjs';
import { ADMIN_PASSWORD } from '../lib/sluice.mjs';
import { setUpNamespace, startSim } from '../lib/sim.mjs';

const BAD =
  "CREATE TABLE src (id BIGINT) WITH ('connector' = 'datagen');\nCREATE TABLE snk (id BIGINT) WITH ('connector' = 'print');\nINSERT INTO snk SELEC id FROM src;\n";
const GOOD = BAD.replace('SELEC ', 'SELECT ');

async function noErrorBox(page, where) {
  const boxes = await page.locator('.error-box, .form-error').allTextContents();
  check(boxes.length === 0, `${where} shows an error: ${boxes.join(' | ')}`);
}

async function state(page) {
  return (await page.locator('h1 .badge').textContent())?.trim();
}

async function waitState(page, want, timeout = 60_000) {
  await page.locator('h1 .badge', { hasText: want }).waitFor({ timeout });
}

export default {
  name: 'sql-job-flow',
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
      const card = page.getByRole('article', { name: /sim/ });
      await card.waitFor();
      // The server's preflight against the simulator: the API server answers, but the
      // namespace lacks the JobManager's service account and Role, each with what to fix.
      await card.getByRole('button', { name: 'Run preflight' }).click();
      await card.locator('.preflight').waitFor({ timeout: 60_000 });
      await card.locator('li.check-ok', { hasText: 'api-server' }).waitFor();
      await card
        .locator('li.check-error', { has: page.getByText('service-account', { exact: true }) })
        .getByText('To fix:')
        .waitFor();
      await card.getByText('needs attention').waitFor();
      await shot(page, 'flow-01-cluster');
      await noErrorBox(page, 'the preflight');
      // What a cluster administrator does once per namespace: the service account and
      // the JobManager's Role, made by `sluice preflight --setup` with the kubeconfig.
      await setUpNamespace(sluice.bin, sim);
      await card.getByRole('button', { name: 'Run preflight' }).click();
      await card.getByText('ready', { exact: true }).waitFor({ timeout: 60_000 });
      await card.locator('li.check-ok', { hasText: 'jobmanager-rights' }).waitFor();
      equal(await card.locator('li.check-error').count(), 0, 'failed checks after the setup');
      // The list keeps the last report.
      await page.reload();
      await page.getByRole('article', { name: /sim/ }).getByText('ready', { exact: true }).waitFor({ timeout: 30_000 });
      await shot(page, 'flow-01b-cluster-ready');

      // The job: a mistake first.
      await page.goto(`${sluice.url}/jobs/new`);
      await page.getByLabel('Name', { exact: true }).fill('e2e-clicks');
      await page.getByLabel('Image', { exact: true }).fill('flink:1.20');
      await page.getByLabel('Cluster').selectOption('sim');
      await page.getByLabel('Savepoint directory').fill('s3://flink-state/e2e-clicks/savepoints');
      // The JobManager stays up after a stop until Sluice has read the savepoint's path
      // (what the Flink operator sets too); by default the cluster may go first and the
      // stop's savepoint is then recorded without its path.
      // Option keys are completed and checked from the server's catalog of the Flink version.
      await page.getByText(/Checked against the \d+ options of Flink 1\.20/).waitFor({ timeout: 30_000 });
      check((await page.locator('#flink-option-keys option').count()) > 500, 'the option keys offered for completion');
      await page.getByRole('button', { name: 'Add option' }).click();
      await page.getByLabel('Option 1', { exact: true }).fill('execution.shutdown-on-aplication-finish');
      await page.getByText('did you mean execution.shutdown-on-application-finish?', { exact: false }).first().waitFor({ timeout: 10_000 });
      await page.getByLabel('Option 1', { exact: true }).fill('execution.shutdown-on-application-finish');
      await page.getByText('did you mean', { exact: false }).first().waitFor({ state: 'detached', timeout: 10_000 });
      await page.getByLabel('Value 1', { exact: true }).fill('maybe');
      await page.getByText('must be true or false', { exact: false }).first().waitFor({ timeout: 10_000 });
      await page.getByLabel('Value 1', { exact: true }).fill('false');
      await page.locator('.cm-content').click();
      await page.keyboard.insertText(BAD);
      const mark = page.locator('.cm-lintRange-error').first();
      await mark.waitFor({ timeout: 30_000 });
      const line = await mark.evaluate((el) => [...document.querySelectorAll('.cm-content .cm-line')].indexOf(el.closest('.cm-line')) + 1);
      equal(line, 3, 'the line the analyzer marks');
      await shot(page, 'flow-02-sql-error');
      await page.keyboard.press('Control+a');
      await page.keyboard.insertText(GOOD);
      await page
        .getByTestId('sql-summary')
        .getByText(/No problems|warning/)
        .waitFor({ timeout: 30_000 });

      await page.getByRole('button', { name: 'Preview deployment' }).click();
      const preview = page.getByRole('dialog', { name: 'What will be deployed' });
      // The server's dry run of the draft (POST /api/v1/render), before anything is saved.
      await preview.getByRole('heading', { name: 'Deployment e2e-clicks' }).waitFor({ timeout: 30_000 });
      await preview
        .getByRole('heading', { name: /^ConfigMap / })
        .first()
        .waitFor();
      equal(await preview.getByText('does not render drafts', { exact: false }).count(), 0, 'the draft preview is unsupported');
      await shot(page, 'flow-03-preview');
      await noErrorBox(page, 'the preview');
      await page.keyboard.press('Escape');
      await preview.waitFor({ state: 'detached' });

      await page.getByRole('button', { name: 'Submit' }).click();
      const progress = page.getByRole('region', { name: 'Submission progress' });
      await progress.locator('li.step-done', { hasText: 'Running' }).waitFor({ timeout: 120_000 });
      // Live: the transition came over the event stream (the progress also polls the job).
      await progress.locator('.mini-timeline li', { hasText: '→ RUNNING' }).first().waitFor({ timeout: 30_000 });
      await shot(page, 'flow-03b-submitted-running');

      await progress.getByRole('link', { name: 'Open the job' }).click();
      await waitState(page, 'RUNNING');
      await page.getByRole('link', { name: 'Savepoints' }).click();
      await page.getByRole('region', { name: 'Savepoints' }).getByRole('button', { name: 'Take savepoint' }).click();
      await page.getByText('COMPLETED').first().waitFor({ timeout: 120_000 });
      await shot(page, 'flow-04-savepoint');

      await page.getByRole('group', { name: 'Job actions' }).getByRole('button', { name: 'Stop' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Stop' }).click();
      await waitState(page, /FINISHED|CANCELED|SUSPENDED/, 120_000);
      check(['FINISHED', 'CANCELED', 'SUSPENDED'].includes(await state(page)), 'stopped');
      await shot(page, 'flow-05-stopped');

      // The savepoint the stop took, which the resumed job must start from.
      const stopRow = page
        .getByRole('row')
        .filter({ has: page.getByRole('cell', { name: /^(cancel|stop)$/ }) })
        .filter({ has: page.getByRole('cell', { name: 'COMPLETED', exact: true }) })
        .first();
      await stopRow.waitFor({ timeout: 120_000 });
      const stopPath =
        (
          await stopRow
            .getByRole('cell', { name: /savepoint-/ })
            .first()
            .textContent()
        )?.trim() ?? '';
      check(stopPath.includes('s3://flink-state/e2e-clicks/savepoints/'), `the stop's savepoint path: ${stopPath}`);

      // Stopped with a savepoint: the page offers Resume (from that savepoint), not Deploy.
      const actions = page.getByRole('group', { name: 'Job actions' });
      await actions.getByRole('button', { name: 'Resume' }).waitFor({ timeout: 30_000 });
      equal(await actions.getByRole('button', { name: 'Deploy' }).count(), 0, 'a Deploy button after the stop');
      const resume = actions.getByRole('button', { name: 'Resume' });
      await resume.click();
      await waitState(page, 'RUNNING', 120_000);
      await shot(page, 'flow-06-resumed');
      await page.getByRole('link', { name: 'Events' }).click();
      await page
        .getByRole('list', { name: /Events/ })
        .getByText(stopPath, { exact: false })
        .first()
        .waitFor({ timeout: 30_000 });
      await shot(page, 'flow-07-events');

      // Every tab and page once more, on what the real server answers: screenshots, and no
      // page may show an error box (a shape the UI misreads shows up here).
      const tabs = ['Overview', 'Versions', 'Exceptions', 'Logs', 'Lineage', 'Deployment'];
      for (const [i, tab] of tabs.entries()) {
        await page.getByRole('navigation', { name: 'Job sections' }).getByRole('link', { name: tab, exact: true }).click();
        await page.getByRole('region', { name: tab }).waitFor();
        await page.locator('.tab-body .spinner').waitFor({ state: 'detached', timeout: 30_000 });
        await shot(page, `flow-${String(i + 8).padStart(2, '0')}-job-${tab.toLowerCase()}`);
        await noErrorBox(page, `the ${tab} tab`);
      }
      const pages = [
        ['/jobs', 'Jobs'],
        ['/clusters', 'Clusters'],
        ['/clusters/versions', 'Flink versions'],
        ['/teams', 'Teams'],
        ['/users', 'Users'],
        ['/tokens', 'tokens'],
        ['/audit', 'Audit'],
      ];
      for (const [i, [path, title]] of pages.entries()) {
        await page.goto(`${sluice.url}${path}`);
        await heading(page, title);
        await page.locator('main .spinner').waitFor({ state: 'detached', timeout: 30_000 });
        await shot(page, `flow-${String(i + 14).padStart(2, '0')}${path.replaceAll('/', '-')}`);
        await noErrorBox(page, path);
      }
      equal(problems.exceptions.length, 0, `uncaught exceptions: ${problems.exceptions.join('; ')}`);
    } finally {
      await sim.stop();
    }
  },
};
