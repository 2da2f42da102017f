import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ADMIN, FakeServer, apiError, json } from '../test/fakeServer';
import { renderApp } from '../test/render';
import { safeNext } from './LoginPage';

describe('login', () => {
  it('sends an anonymous visitor to the login page, then back where they wanted to go', async () => {
    let loggedIn = false;
    const server = new FakeServer(null);
    server.on('GET /api/v1/auth/me', () => (loggedIn ? json(200, ADMIN) : apiError(401, 'unauthenticated', 'authentication required')));
    server.on('POST /api/v1/auth/login', (req) => {
      const body = req.body as { name: string; password: string };
      if (body.password !== 'correct horse') return apiError(401, 'unauthenticated', 'wrong user name or password');
      loggedIn = true;
      return json(200, { csrfToken: 'csrf-from-login' });
    });
    server.on('GET /api/v1/jobs', () => json(200, { items: [], nextCursor: null }));
    const { router } = renderApp(server, '/jobs?state=FAILED');

    await screen.findByRole('heading', { name: 'Log in' });
    expect(router.state.location.pathname).toBe('/login');
    expect(router.state.location.search).toBe('?next=%2Fjobs%3Fstate%3DFAILED');

    fireEvent.change(screen.getByLabelText('User name'), { target: { value: 'admin' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'wrong' } });
    fireEvent.click(screen.getByRole('button', { name: 'Log in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(/Wrong user name or password/);
    expect((screen.getByLabelText('Password') as HTMLInputElement).value).toBe('');

    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'correct horse' } });
    fireEvent.click(screen.getByRole('button', { name: 'Log in' }));
    await screen.findByRole('heading', { name: 'Jobs' });
    expect(router.state.location.pathname).toBe('/jobs');
    expect(router.state.location.search).toBe('?state=FAILED');
    expect(server.calls('POST', '/api/v1/auth/login')[1].body).toEqual({ name: 'admin', password: 'correct horse' });
  });

  it('says how long to wait when rate limited', async () => {
    const server = new FakeServer(null);
    server.on('POST /api/v1/auth/login', () => apiError(429, 'resource_exhausted', 'too many failed attempts', { retryAfterSeconds: 42 }));
    renderApp(server, '/login');
    fireEvent.change(await screen.findByLabelText('User name'), { target: { value: 'admin' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'x' } });
    fireEvent.click(screen.getByRole('button', { name: 'Log in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Try again in 42 s');
  });

  it('asks for both fields before calling the server', async () => {
    const server = new FakeServer(null);
    renderApp(server, '/login');
    fireEvent.click(await screen.findByRole('button', { name: 'Log in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Enter your user name and password');
    await waitFor(() => expect(server.calls('POST', '/api/v1/auth/login')).toHaveLength(0));
  });

  it('only follows next= inside the app', () => {
    expect(safeNext('/jobs/a')).toBe('/jobs/a');
    expect(safeNext('//evil.example.com')).toBe('/jobs');
    expect(safeNext('https://evil.example.com')).toBe('/jobs');
    expect(safeNext('/login?next=/x')).toBe('/jobs');
    expect(safeNext(null)).toBe('/jobs');
  });
});
