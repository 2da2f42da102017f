// Small assertions for the end-to-end suites, with messages that say what was expected.

export class CheckError extends Error {}

export function check(condition, message) {
  if (!condition) throw new CheckError(message);
}

export function equal(actual, expected, what) {
  if (actual !== expected) throw new CheckError(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

// Waits until the page shows a heading with this name (a page rendered, not a blank screen).
export async function heading(page, name) {
  await page.getByRole('heading', { name, exact: false }).first().waitFor({ state: 'visible' });
}
