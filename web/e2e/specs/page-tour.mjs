// Phase 1: every page in a real Chromium at 1280×800, the UI served by the real server
// and the API answered by e2e/lib/mockApi.mjs (the routes the server does not have yet).
// Screenshots go to web/e2e-out/ for a reviewer; the checks make sure each page rendered,
// the SQL editor marks a mistake at the right line, and secrets never reach the screen.

import { createMockApi } from '../lib/mockApi.mjs';
import { check, equal, heading } from '../lib/check.mjs';

const SECRETS = ['never-shown', 'never-shown-either'];

async function noSecrets(page, where) {
  const text = await page.evaluate(() => document.body.innerText + [...document.querySelectorAll('input')].map((i) => i.value).join(' '));
  for (const s of SECRETS) check(!text.includes(s), `${where}: the secret "${s}" is on the screen`);
}

// The 1-based line of the editor that holds the first error mark, and the marked text.
async function firstErrorMark(page) {
  const mark = page.locator('.cm-lintRange-error').first();
  await mark.waitFor({ timeout: 10_000 });
  return mark.evaluate((el) => {
    const line = el.closest('.cm-line');
    const lines = [...document.querySelectorAll('.cm-content .cm-line')];
    return { line: lines.indexOf(line) + 1, text: el.textContent };
  });
}

export default {
  name: 'page-tour',
  description: 'every page renders at 1280×800 (mocked API); screenshots; SQL mistake marked at its line; no secret shown',
  async run({ sluice, open, shot }) {
    const { page, problems } = await open();
    const mock = createMockApi({ jobs: 60 });
    await mock.install(page);
    const base = sluice.url;
    const name = 'orders-enrich';

    await page.goto(`${base}/jobs`);
    await heading(page, 'Jobs');
    await page.getByRole('link', { name }).waitFor();
    await shot(page, '01-jobs');
    await page.getByLabel('State').selectOption('FAILED');
    await page.waitForFunction(() => !document.body.innerText.includes('orders-enrich'));
    await shot(page, '02-jobs-filtered-failed');

    const tabs = ['overview', 'events', 'versions', 'savepoints', 'exceptions', 'logs', 'lineage', 'deployment'];
    for (const [i, tab] of tabs.entries()) {
      await page.goto(`${base}/jobs/${name}/${tab}`);
      await heading(page, name);
      const body = page.locator('.tab-body');
      await body.waitFor();
      if (tab === 'versions') await page.locator('.diff-table').waitFor();
      if (tab === 'savepoints') await page.getByRole('button', { name: 'Restore from' }).first().waitFor();
      if (tab === 'exceptions') await page.getByText('JobMasterException').first().waitFor();
      if (tab === 'logs') await page.getByText('Completed checkpoint 179').waitFor();
      if (tab === 'lineage') await page.locator('.lineage-node').nth(2).waitFor();
      if (tab === 'deployment') await page.getByText('ConfigMap flink-config-orders-enrich').waitFor();
      if (tab === 'events') await page.locator('.timeline-item').first().waitFor();
      await noSecrets(page, `job ${tab}`);
      await shot(page, `${String(i + 3).padStart(2, '0')}-job-${tab}`);
    }

    // The SQL editor: a mistake on line 3 is marked on line 3, in the real browser.
    await page.goto(`${base}/jobs/new`);
    await heading(page, 'New job');
    await page.getByLabel('Name', { exact: true }).fill('clicks-to-kafka');
    await page.getByLabel('Image', { exact: true }).fill('registry.example.com/flink/sql-runner:1.20');
    await page.getByLabel('Cluster').selectOption('prod-eu');
    const editor = page.locator('.cm-content');
    await editor.click();
    await page.keyboard.insertText(
      "CREATE TABLE src (id BIGINT) WITH ('connector' = 'datagen');\nCREATE TABLE snk (id BIGINT) WITH ('connector' = 'print');\nINSERT INTO snk SELEC id FROM src;\n",
    );
    const mark = await firstErrorMark(page);
    equal(mark.line, 3, 'the line of the error mark');
    equal(mark.text, 'SELEC', 'the marked text');
    await page.getByRole('button', { name: 'Line 3, column 17' }).waitFor();
    await shot(page, '11-new-job-sql-error');
    // Completion offers the tables the script defines.
    await page.keyboard.press('Control+End');
    await page.keyboard.type('INSERT INTO sn');
    await page.keyboard.press('Control+Space');
    await page.locator('.cm-tooltip-autocomplete').getByText('snk').first().waitFor();
    await shot(page, '12-new-job-completion');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+a');
    await page.keyboard.insertText(
      "CREATE TABLE src (id BIGINT) WITH ('connector' = 'datagen');\nCREATE TABLE snk (id BIGINT) WITH ('connector' = 'print');\nINSERT INTO snk SELECT id FROM src;\n",
    );
    await page.getByTestId('sql-summary').getByText('No problems').waitFor({ timeout: 10_000 });
    await page.getByRole('button', { name: 'Preview deployment' }).click();
    await page.getByRole('dialog', { name: 'What will be deployed' }).getByText('Deployment orders-enrich (JobManager)').waitFor();
    await noSecrets(page, 'preview');
    await shot(page, '13-new-job-preview');
    await page.keyboard.press('Escape');
    await page.getByRole('radio', { name: 'JAR' }).check();
    await page.getByRole('textbox', { name: 'JAR', exact: true }).fill('/opt/flink/usrlib/app.jar');
    await page.locator('.field-error').getByText('needs a scheme: write local:///opt/flink/usrlib/app.jar').waitFor();
    await shot(page, '14-new-job-jar');

    const pages = [
      ['/clusters', 'Clusters', '15-clusters', 'kubectl -n flink-jobs create serviceaccount flink'],
      ['/clusters/versions', 'Flink versions', '16-flink-versions', '/opt/flink-1.20.1'],
      ['/teams', 'Teams', '17-teams', 'The risk team'],
      ['/users', 'Users', '18-users', 'Carol Diaz'],
      ['/tokens', 'API tokens', '19-tokens', 'ci-deploy'],
      ['/audit', 'Audit log', '20-audit', 'mallory'],
    ];
    for (const [path, title, file, text] of pages) {
      await page.goto(`${base}${path}`);
      await heading(page, title);
      await page.getByText(text).first().waitFor();
      await shot(page, file);
    }

    // Keyboard: the first Tab reaches the skip link, which moves to the content.
    await page.goto(`${base}/jobs`);
    await page.getByRole('link', { name }).waitFor();
    await page.keyboard.press('Tab');
    equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to content', 'the first Tab stop');
    await page.keyboard.press('Enter');
    equal(await page.evaluate(() => document.activeElement?.id), 'main', 'after the skip link');

    equal(problems.exceptions.length, 0, `uncaught exceptions: ${problems.exceptions.join('; ')}`);
  },
};
