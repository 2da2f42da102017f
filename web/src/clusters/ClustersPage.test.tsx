import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FakeServer, json } from '../test/fakeServer';
import { renderApp } from '../test/render';

describe('clusters', () => {
  it('registers a Kubernetes cluster: the kubeconfig is required, read from a file and never shown', async () => {
    const s = new FakeServer();
    s.on('POST /api/v1/clusters', (req) => json(201, req.body));
    renderApp(s, '/clusters');
    expect(await screen.findByText('No cluster registered')).toBeInTheDocument();
    fireEvent.click(screen.getAllByRole('button', { name: 'Register a cluster' })[0]);
    const dialog = screen.getByRole('dialog', { name: 'Register a cluster' });
    fireEvent.change(within(dialog).getByLabelText('Name'), { target: { value: 'sim' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(await within(dialog).findByText(/upload a kubeconfig/)).toBeInTheDocument();
    expect(s.calls('POST', '/api/v1/clusters')).toHaveLength(0);

    const kubeconfig = 'apiVersion: v1\ncurrent-context: sim\nusers:\n- name: u\n  user: {token: very-secret}\n';
    const file = new File([kubeconfig], 'config', { type: 'text/yaml' });
    fireEvent.change(within(dialog).getByLabelText(/Kubeconfig file/), { target: { files: [file] } });
    expect(await within(dialog).findByText(/current-context sim/)).toBeInTheDocument();
    expect(dialog.textContent).not.toContain('very-secret');
    expect(within(dialog).getByLabelText(/Bearer token/)).toHaveAttribute('type', 'password');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(s.calls('POST', '/api/v1/clusters')).toHaveLength(1));
    expect(s.calls('POST', '/api/v1/clusters')[0].body).toEqual({
      name: 'sim',
      kind: 'kubernetes',
      config: {},
      secrets: { kubeconfig },
      teams: [],
    });
  });

  it('shows which secrets are set without their values, and preflight results with what to fix', async () => {
    const s = new FakeServer();
    s.on('GET /api/v1/clusters', () =>
      json(200, [
        {
          name: 'prod',
          kind: 'standalone',
          config: { jobManagerUrl: 'http://jm:8081' },
          secrets: { password: true, token: false },
          teams: ['web'],
          revision: 4,
        },
      ]),
    );
    s.on('POST /api/v1/clusters/prod/preflight', () =>
      json(200, {
        ok: false,
        checks: [
          { name: 'JobManager reachable', ok: true },
          { name: 'Flink version', ok: false, message: 'the JobManager runs 1.18', hint: 'register Flink 1.18 or upgrade the session' },
        ],
      }),
    );
    s.on('PUT /api/v1/clusters/prod', (req) => json(200, req.body));
    renderApp(s, '/clusters');
    const card = await screen.findByRole('article', { name: /prod/ });
    expect(within(card).getByText('set (hidden)')).toBeInTheDocument();
    fireEvent.click(within(card).getByRole('button', { name: 'Run preflight' }));
    expect(await within(card).findByText('needs attention')).toBeInTheDocument();
    expect(within(card).getByText(/register Flink 1.18 or upgrade the session/)).toBeInTheDocument();

    fireEvent.click(within(card).getByRole('button', { name: 'Edit' }));
    const dialog = screen.getByRole('dialog', { name: 'Edit prod' });
    const password = within(dialog).getByLabelText(/^Password/);
    expect(password).toHaveValue('');
    expect(password).toHaveAttribute('placeholder', 'set — type to replace');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(s.calls('PUT', '/api/v1/clusters/prod')).toHaveLength(1));
    // Secrets not touched are not sent: the server keeps them.
    expect(s.calls('PUT', '/api/v1/clusters/prod')[0].body).toEqual({
      name: 'prod',
      kind: 'standalone',
      config: { jobManagerUrl: 'http://jm:8081' },
      teams: ['web'],
      revision: 4,
    });
  });
});
