import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../api/types';
import { FakeServer, apiError, json } from '../test/fakeServer';
import { renderApp } from '../test/render';

// jsdom has no layout: give the list's scroll area a height so that rows are rendered.
const original = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'clientHeight');
beforeAll(() => {
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', {
    configurable: true,
    get() {
      return (this as HTMLElement).classList.contains('joblist-scroll') ? 400 : 0;
    },
  });
});
afterAll(() => {
  if (original) Object.defineProperty(HTMLElement.prototype, 'clientHeight', original);
});

function job(name: string, state = 'RUNNING', extra: Partial<Job['status']> = {}): Job {
  return {
    metadata: { name, team: 'web' },
    spec: { target: 'kubernetes-application', cluster: 'prod', flinkVersion: '1.20', sql: 'INSERT INTO a SELECT 1' },
    status: { state: state as Job['status']['state'], ...extra },
  };
}

describe('jobs list', () => {
  it('shows jobs and follows their state live', async () => {
    const server = new FakeServer();
    server.on('GET /api/v1/jobs', () => json(200, { items: [job('orders'), job('clicks', 'DEPLOYING')], nextCursor: null }));
    renderApp(server, '/jobs');
    const table = await screen.findByRole('table', { name: 'Jobs' });
    expect(within(table).getByRole('link', { name: 'orders' })).toHaveAttribute('href', '/jobs/orders');
    await waitFor(() => expect(server.openStreams).toBe(1));
    act(() =>
      server.event(10, {
        id: 10,
        job: 'clicks',
        type: 'state-changed',
        from: 'DEPLOYING',
        to: 'FAILED',
        reason: 'image pull failed',
        time: '2025-01-01T00:00:00Z',
      }),
    );
    await waitFor(() => expect(within(table).getByText('image pull failed')).toBeInTheDocument());
    const row = within(table).getByText('clicks').closest('[role="row"]') as HTMLElement;
    expect(within(row).getByText('FAILED')).toBeInTheDocument();
  });

  it('opens a job inside the app, and leaves modified clicks to the browser', async () => {
    const server = new FakeServer();
    server.on('GET /api/v1/jobs', () => json(200, { items: [job('orders')] }));
    server.on('GET /api/v1/jobs/orders', () => json(200, job('orders')));
    const { router } = renderApp(server, '/jobs');
    const link = await screen.findByRole('link', { name: 'orders' });
    const ctrl = new MouseEvent('click', { bubbles: true, cancelable: true, ctrlKey: true });
    link.dispatchEvent(ctrl);
    expect(ctrl.defaultPrevented).toBe(false);
    expect(router.state.location.pathname).toBe('/jobs');
    fireEvent.click(link);
    await waitFor(() => expect(router.state.location.pathname).toBe('/jobs/orders'));
  });

  it('sends filters to the server and keeps them in the address', async () => {
    const server = new FakeServer();
    server.on('GET /api/v1/jobs', (req) =>
      json(200, { items: req.query.get('state') === 'FAILED' ? [job('bad', 'FAILED')] : [job('good')], nextCursor: null }),
    );
    const { router } = renderApp(server, '/jobs');
    await screen.findByRole('link', { name: 'good' });
    fireEvent.change(screen.getByLabelText('State'), { target: { value: 'FAILED' } });
    await screen.findByRole('link', { name: 'bad' });
    expect(router.state.location.search).toBe('?state=FAILED');
    const last = server.calls('GET', '/api/v1/jobs').pop()!;
    expect(last.query.get('state')).toBe('FAILED');
    expect(last.query.get('limit')).toBe('200');
  });

  it('loads the next page with the cursor when scrolled near the end', async () => {
    const server = new FakeServer();
    const page = (from: number, n: number) => Array.from({ length: n }, (_, i) => job(`job-${String(from + i).padStart(4, '0')}`));
    server.on('GET /api/v1/jobs', (req) =>
      req.query.get('cursor') === 'c2'
        ? json(200, { items: page(20, 5), nextCursor: null })
        : json(200, { items: page(0, 20), nextCursor: 'c2' }),
    );
    renderApp(server, '/jobs');
    // 20 rows of 40 px fill a 400 px view: the list is near its end at once.
    await waitFor(() => expect(server.calls('GET', '/api/v1/jobs').some((r) => r.query.get('cursor') === 'c2')).toBe(true));
    await waitFor(() => expect(screen.getByText('25 jobs')).toBeInTheDocument());
  });

  it('says when there are no jobs, and when none matches', async () => {
    const server = new FakeServer();
    server.on('GET /api/v1/jobs', () => json(200, { items: [], nextCursor: null }));
    const { unmount } = renderApp(server, '/jobs');
    expect(await screen.findByText('No jobs yet')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Write your first job' })).toHaveAttribute('href', '/jobs/new');
    unmount();
    renderApp(server, '/jobs?text=zzz');
    expect(await screen.findByText('No job matches these filters')).toBeInTheDocument();
  });

  it('shows an error with a way to try again', async () => {
    const server = new FakeServer();
    let fail = true;
    server.on('GET /api/v1/jobs', () =>
      fail ? apiError(503, 'unavailable', 'the database is not reachable') : json(200, { items: [job('back')] }),
    );
    renderApp(server, '/jobs');
    expect(await screen.findByText('the database is not reachable')).toBeInTheDocument();
    fail = false;
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('link', { name: 'back' })).toBeInTheDocument();
  });

  it('moves between rows with the arrow keys', async () => {
    const server = new FakeServer();
    server.on('GET /api/v1/jobs', () => json(200, { items: [job('a'), job('b'), job('c')] }));
    renderApp(server, '/jobs');
    const a = await screen.findByRole('link', { name: 'a' });
    a.focus();
    fireEvent.keyDown(a, { key: 'ArrowDown' });
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('link', { name: 'b' })));
    fireEvent.keyDown(document.activeElement!, { key: 'End' });
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('link', { name: 'c' })));
  });
});
