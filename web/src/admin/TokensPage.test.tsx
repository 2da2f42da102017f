import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FakeServer, json } from '../test/fakeServer';
import { renderApp } from '../test/render';

describe('tokens', () => {
  it('shows a new token once, masked until revealed', async () => {
    const s = new FakeServer();
    s.on('GET /api/v1/auth/tokens', () => json(200, []));
    s.on('POST /api/v1/auth/tokens', () => json(201, { token: 'slc_abcdef123456', id: 1, name: 'ci' }));
    renderApp(s, '/tokens');
    expect(await screen.findByText('No tokens')).toBeInTheDocument();
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'ci' } });
    fireEvent.click(screen.getByRole('checkbox', { name: 'jobs:operate' }));
    fireEvent.click(screen.getByRole('button', { name: 'Create token' }));
    const dialog = await screen.findByRole('dialog', { name: 'Token ci created' });
    const field = within(dialog).getByLabelText('Token');
    expect(field).toHaveAttribute('type', 'password');
    expect(field).toHaveValue('slc_abcdef123456');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Reveal' }));
    expect(field).toHaveAttribute('type', 'text');
    expect(s.calls('POST', '/api/v1/auth/tokens')[0].body).toEqual({ name: 'ci', scopes: ['jobs:operate'], ttl: '90 d' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'I have stored it' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(document.body.textContent).not.toContain('slc_abcdef123456');
  });
});
