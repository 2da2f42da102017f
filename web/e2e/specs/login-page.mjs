// Phase 1, against the real `sluice serve`: the server serves the built UI (files, content
// types, routes of the single-page app), and the login page renders and is usable by
// keyboard.

import { check, equal, heading } from '../lib/check.mjs';

export default {
  name: 'login-page',
  description: 'the server serves the UI; the login page renders and works by keyboard',
  async run({ sluice, open, shot }) {
    // Files and the single-page app's routes.
    const index = await fetch(`${sluice.url}/`);
    equal(index.status, 200, 'GET /');
    check((index.headers.get('content-type') ?? '').startsWith('text/html'), `GET / is ${index.headers.get('content-type')}, not HTML`);
    const html = await index.text();
    const script = /<script type="module"[^>]*src="([^"]+)"/.exec(html)?.[1];
    check(script, 'index.html names no module script');
    const js = await fetch(`${sluice.url}${script}`);
    equal(js.status, 200, `GET ${script}`);
    check(
      (js.headers.get('content-type') ?? '').startsWith('text/javascript'),
      `the script is served as ${js.headers.get('content-type')}`,
    );
    check((js.headers.get('cache-control') ?? '').includes('immutable'), 'hashed assets are cached as immutable');
    const deep = await fetch(`${sluice.url}/jobs/some-job/savepoints`);
    equal(deep.status, 200, 'a deep link into the app');
    check((await deep.text()).includes('<div id="root">'), 'a deep link gets index.html');
    const missing = await fetch(`${sluice.url}/assets/nope.js`);
    equal(missing.status, 404, 'a missing asset');

    const { page, problems } = await open();
    await page.goto(`${sluice.url}/login`);
    await heading(page, 'Log in');
    const name = page.getByLabel('User name');
    const password = page.getByLabel('Password');
    await name.waitFor();
    check(await name.evaluate((el) => el === document.activeElement), 'the user name field has the focus');
    equal(await password.getAttribute('type'), 'password', 'the password field type');
    await page.keyboard.type('admin');
    await page.keyboard.press('Tab');
    check(await password.evaluate((el) => el === document.activeElement), 'Tab moves to the password');
    await page.keyboard.press('Tab');
    check(await page.getByRole('button', { name: 'Log in' }).evaluate((el) => el === document.activeElement), 'Tab moves to the button');
    await shot(page, 'login');
    equal(problems.exceptions.length, 0, `uncaught exceptions: ${problems.exceptions.join('; ')}`);
  },
};
