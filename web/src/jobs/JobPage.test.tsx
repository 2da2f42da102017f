import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Job } from '../api/types';
import { ADMIN, FakeServer, json } from '../test/fakeServer';
import { renderApp } from '../test/render';

const running: Job = {
  metadata: { name: 'orders', team: 'web' },
  spec: {
    flinkVersion: '1.20',
    target: 'kubernetes-application',
    cluster: 'sim',
    sql: "CREATE TABLE k WITH ('connector' = 'kafka', 'properties.sasl.jaas.config' = 'secret-jaas');\nINSERT INTO s SELECT * FROM k;",
    savepointDirectory: 's3://sp/orders',
    env: { DB_PASSWORD: 'hunter2' },
  },
  status: { state: 'RUNNING', reason: 'all tasks running', webUrl: 'http://flink.example/orders/', specVersion: 3 },
};

function server(me = ADMIN) {
  const s = new FakeServer(me);
  s.on('GET /api/v1/jobs/orders', () => json(200, running));
  s.on('POST /api/v1/jobs/orders/actions/{action}', () => json(202, undefined));
  s.on('GET /api/v1/jobs/orders/savepoints', () =>
    json(200, [
      { id: 'sp1', path: 's3://sp/orders/savepoint-1', status: 'COMPLETED', trigger: 'manual', createdAt: '2025-01-01T00:00:00Z' },
    ]),
  );
  return s;
}

describe('job page', () => {
  it('shows state, reason and the Flink web UI, masks secrets, and follows events', async () => {
    const s = server();
    renderApp(s, '/jobs/orders');
    expect(await screen.findByRole('heading', { name: /orders/ })).toHaveTextContent('RUNNING');
    expect(screen.getByText('all tasks running')).toBeInTheDocument();
    const link = screen.getByRole('link', { name: /Open the Flink web UI/ });
    expect(link).toHaveAttribute('href', 'http://flink.example/orders/');
    expect(link).toHaveAttribute('rel', 'noopener noreferrer');
    expect(document.body.textContent).not.toContain('hunter2');
    expect(document.body.textContent).not.toContain('secret-jaas');

    await waitFor(() => expect(s.openStreams).toBe(1));
    act(() =>
      s.event(3, {
        id: 3,
        job: 'orders',
        type: 'state-changed',
        from: 'RUNNING',
        to: 'RESTARTING',
        reason: 'TaskManager lost',
        time: '2025-01-01T00:00:00Z',
      }),
    );
    await waitFor(() => expect(screen.getByRole('heading', { name: /orders/ })).toHaveTextContent('RESTARTING'));
    act(() => s.event(4, { id: 4, job: 'other', type: 'state-changed', to: 'FAILED', time: '2025-01-01T00:00:00Z' }));
    expect(screen.getByRole('heading', { name: /orders/ })).toHaveTextContent('RESTARTING');
  });

  it('stops with a savepoint after asking', async () => {
    const s = server();
    renderApp(s, '/jobs/orders');
    fireEvent.click(await screen.findByRole('button', { name: 'Stop' }));
    const dialog = screen.getByRole('dialog', { name: 'Stop orders?' });
    expect(within(dialog).getByRole('checkbox')).toBeChecked();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Stop' }));
    await waitFor(() => expect(s.calls('POST', '/api/v1/jobs/orders/actions/stop')).toHaveLength(1));
    expect(s.calls('POST', '/api/v1/jobs/orders/actions/stop')[0].body).toEqual({ withSavepoint: true });
    expect(s.calls('POST', '/api/v1/jobs/orders/actions/stop')[0].headers['x-csrf-token']).toBe('csrf-1');
  });

  it('takes a savepoint and restores from one', async () => {
    const s = server();
    renderApp(s, '/jobs/orders/savepoints');
    const table = await screen.findByRole('table');
    expect(within(table).getByText('s3://sp/orders/savepoint-1')).toBeInTheDocument();
    fireEvent.click(within(screen.getByRole('region', { name: 'Savepoints' })).getByRole('button', { name: 'Take savepoint' }));
    await waitFor(() => expect(s.calls('POST', '/api/v1/jobs/orders/actions/savepoint')).toHaveLength(1));
    fireEvent.click(within(table).getByRole('button', { name: 'Restore from' }));
    fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Restart from savepoint' }));
    await waitFor(() => expect(s.calls('POST', '/api/v1/jobs/orders/actions/restart')).toHaveLength(1));
    expect(s.calls('POST', '/api/v1/jobs/orders/actions/restart')[0].body).toEqual({ savepointPath: 's3://sp/orders/savepoint-1' });
  });

  it('leaves actions to developers of the team', async () => {
    const viewer = { user: { name: 'vic', admin: false }, teams: [{ team: 'web', role: 'viewer' }], csrfToken: 'c' };
    renderApp(server(viewer), '/jobs/orders');
    expect(await screen.findByRole('button', { name: 'Stop' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Take savepoint' })).toBeDisabled();
  });

  it('says clearly when the job does not exist', async () => {
    const s = new FakeServer();
    renderApp(s, '/jobs/nope');
    expect(await screen.findByText('The job nope could not be loaded')).toBeInTheDocument();
    expect(screen.getByText(/no route for GET/)).toBeInTheDocument();
  });
});
