import { EditorView } from '@codemirror/view';
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { CheckAnswer } from '../api/types';
import { FakeServer, apiError, json } from '../test/fakeServer';
import { renderApp } from '../test/render';
import { maskedSpecJson } from './EditJobPage';

const BAD = "CREATE TABLE src (id INT) WITH ('connector' = 'datagen');\nINSERT INTO snk SELEC * FROM src;";
const GOOD = "CREATE TABLE src (id INT) WITH ('connector' = 'datagen');\nINSERT INTO snk SELECT * FROM src;";

function checker(server: FakeServer) {
  server.on('POST /api/v1/sql/check', (req): CheckAnswer => {
    const sql = (req.body as { sql: string }).sql;
    const statements = [
      { kind: 'CREATE_TABLE', line: 1, column: 1, end_line: 1, end_column: 58, text: sql.split(';')[0] },
      { kind: 'INSERT', line: 2, column: 1, end_line: 2, end_column: 34, text: 'INSERT INTO snk ...' },
    ];
    if (sql.includes('SELEC ')) {
      return {
        ok: false,
        statements,
        diagnostics: [
          {
            severity: 'error',
            code: 'syntax-error',
            message: 'Encountered "SELEC" at line 2, column 17.',
            line: 2,
            column: 17,
            end_line: 2,
            end_column: 21,
          },
        ],
      };
    }
    return { ok: true, statements, diagnostics: [] };
  });
  server.on('POST /api/v1/sql/lineage', () =>
    json(200, {
      tables: [{ name: 'src', kind: 'table', connector: 'datagen', columns: [{ name: 'id', kind: 'physical', type: 'INT' }] }],
      edges: [{ from: 'src', to: 'snk', statement: 1 }],
    }),
  );
  server.on('GET /api/v1/flink/options', () => json(200, [{ key: 'parallelism.default', type: 'Integer', default: '1', description: '' }]));
}

function editor(): EditorView {
  const content = document.querySelector('.cm-content') as HTMLElement;
  const view = EditorView.findFromDOM(content);
  if (!view) throw new Error('no editor');
  return view;
}

function type(view: EditorView, text: string) {
  act(() => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } }));
}

describe('new job page', () => {
  it('marks a SQL mistake at the analyzer’s line and column, then submits and follows the job to RUNNING', async () => {
    const server = new FakeServer();
    checker(server);
    server.on('GET /api/v1/clusters', () =>
      json(200, [{ name: 'sim', kind: 'kubernetes', config: {}, secrets: { kubeconfig: true }, teams: [], revision: 1 }]),
    );
    server.on('POST /api/v1/jobs', (req) => json(201, { ...(req.body as object), status: { state: 'DRAFT', revision: 1 } }));
    server.on('POST /api/v1/jobs/{name}/actions/deploy', () => json(202, { status: { state: 'DEPLOYING' } }));
    server.on('GET /api/v1/jobs/{name}', () => json(200, { metadata: { name: 'orders' }, spec: {}, status: { state: 'DEPLOYING' } }));
    renderApp(server, '/jobs/new');

    await screen.findByRole('heading', { name: 'New job' });
    const view = await waitFor(() => editor());
    type(view, BAD);

    // The problem list names the place; the editor marks exactly the offending word.
    const where = await screen.findByRole('button', { name: 'Line 2, column 17' });
    expect(screen.getByTestId('sql-summary')).toHaveTextContent('1 error');
    await waitFor(() => expect(document.querySelector('.cm-lintRange-error')?.textContent).toBe('SELEC'));
    fireEvent.click(where);
    expect(view.state.sliceDoc(view.state.selection.main.from, view.state.selection.main.to)).toBe('SELEC');
    expect(server.calls('POST', '/api/v1/sql/check').pop()!.body).toEqual({ sql: BAD, flinkVersion: '1.20' });

    // Submit is held back while the script has an error.
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'orders' } });
    fireEvent.change(screen.getByLabelText('Image'), { target: { value: 'flink:1.20' } });
    fireEvent.change(screen.getByLabelText('Cluster'), { target: { value: 'sim' } });
    fireEvent.click(screen.getByRole('button', { name: 'Submit' }));
    expect(await screen.findByText(/1 problem to fix/)).toBeInTheDocument();
    expect(server.calls('POST', '/api/v1/jobs')).toHaveLength(0);

    type(view, GOOD);
    await waitFor(() => expect(screen.getByTestId('sql-summary')).toHaveTextContent('No problems'));
    fireEvent.click(screen.getByRole('button', { name: 'Submit' }));
    await waitFor(() => expect(server.calls('POST', '/api/v1/jobs/orders/actions/deploy')).toHaveLength(1));
    const sent = server.calls('POST', '/api/v1/jobs')[0].body as { metadata: unknown; spec: Record<string, unknown> };
    expect(sent.metadata).toEqual({ name: 'orders' });
    expect(sent.spec).toMatchObject({ sql: GOOD, image: 'flink:1.20', cluster: 'sim', flinkVersion: '1.20', parallelism: 1 });

    const progress = await screen.findByRole('region', { name: 'Submission progress' });
    await waitFor(() => expect(server.openStreams).toBeGreaterThan(0));
    act(() =>
      server.event(5, { id: 5, job: 'orders', type: 'state-changed', from: 'DEPLOYING', to: 'RUNNING', time: '2025-01-01T00:00:00Z' }),
    );
    await waitFor(() => expect(within(progress).getByText('Running')).toBeInTheDocument());
    expect(within(progress).getByRole('link', { name: 'Open the job' })).toHaveAttribute('href', '/jobs/orders');
  });

  it('shows the server’s field errors beside their fields', async () => {
    const server = new FakeServer();
    checker(server);
    server.on('POST /api/v1/jobs', () =>
      apiError(400, 'invalid_argument', 'the request body is invalid', {
        errors: [{ path: 'spec.taskManager.resource.memory', message: '"8 gigs" is not a memory size (use 2g, 2048m or 2Gi)' }],
      }),
    );
    renderApp(server, '/jobs/new');
    await screen.findByRole('heading', { name: 'New job' });
    fireEvent.click(screen.getByRole('radio', { name: 'JAR' }));
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'jarjob' } });
    fireEvent.change(screen.getByRole('textbox', { name: 'JAR' }), { target: { value: 'local:///opt/flink/usrlib/app.jar' } });
    fireEvent.change(screen.getByLabelText('Image'), { target: { value: 'flink:1.20' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save as draft' }));
    const memory = screen.getByLabelText('TaskManager memory');
    await waitFor(() => expect(memory).toHaveAttribute('aria-invalid', 'true'));
    expect(document.getElementById(memory.getAttribute('aria-describedby')!.split(' ').pop()!)).toHaveTextContent('is not a memory size');
    expect(screen.getByText(/Not saved/)).toBeInTheDocument();
  });

  it('types secrets into password fields and hides them in the preview', async () => {
    const server = new FakeServer();
    checker(server);
    server.on('POST /api/v1/render', () =>
      json(200, { documents: [{ title: 'ConfigMap flink-config-x', language: 'yaml', content: 'a: b' }] }),
    );
    renderApp(server, '/jobs/new');
    await screen.findByRole('heading', { name: 'New job' });
    fireEvent.click(screen.getByText(/Advanced: environment/));
    fireEvent.click(screen.getByRole('button', { name: 'Add variable' }));
    fireEvent.change(screen.getByLabelText('Name 1'), { target: { value: 'DB_PASSWORD' } });
    const value = screen.getByLabelText('Value 1 (secret)');
    expect(value).toHaveAttribute('type', 'password');
    fireEvent.change(value, { target: { value: 'hunter2' } });
    fireEvent.click(screen.getByRole('button', { name: 'Preview deployment' }));
    const dialog = await screen.findByRole('dialog', { name: 'What will be deployed' });
    await within(dialog).findByText('ConfigMap flink-config-x');
    expect(dialog.textContent).not.toContain('hunter2');
    expect((server.calls('POST', '/api/v1/render')[0].body as { spec: { env: Record<string, string> } }).spec.env.DB_PASSWORD).toBe(
      'hunter2',
    );
  });
});

describe('maskedSpecJson', () => {
  it('hides secret values and SQL secrets', () => {
    const text = maskedSpecJson({
      metadata: { name: 'a' },
      spec: { sql: "WITH ('password' = 'p')", env: { API_TOKEN: 't', REGION: 'eu' }, flinkConfiguration: { 's3.secret-key': 'k' } },
    });
    expect(text).not.toMatch(/"t"|"k"|'p'/);
    expect(text).toContain('"REGION": "eu"');
  });
});

describe('edit job page', () => {
  it('saves with the revision it started from and waits for the new version, not the old one still running', async () => {
    const server = new FakeServer();
    checker(server);
    const running = {
      metadata: { name: 'orders', team: 'web' },
      spec: { flinkVersion: '1.20', target: 'kubernetes-application', image: 'flink:1.20', sql: GOOD, parallelism: 2 },
      status: { state: 'RUNNING', revision: 7, specVersion: 3 },
    };
    server.on('GET /api/v1/jobs/orders', () => json(200, running));
    server.on('PUT /api/v1/jobs/orders', (req) =>
      json(200, { ...(req.body as object), status: { state: 'RUNNING', revision: 8, specVersion: 4 } }),
    );
    server.on('POST /api/v1/jobs/orders/actions/deploy', () => json(202, undefined));
    renderApp(server, '/jobs/orders/edit');
    await screen.findByRole('heading', { name: 'Edit orders' });
    expect(screen.getByLabelText('Name')).toHaveAttribute('readonly');
    await waitFor(() => expect(screen.getByTestId('sql-summary')).toHaveTextContent('No problems'));
    fireEvent.change(screen.getByLabelText('Parallelism'), { target: { value: '4' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save and deploy' }));
    await waitFor(() => expect(server.calls('POST', '/api/v1/jobs/orders/actions/deploy')).toHaveLength(1));
    const put = server.calls('PUT', '/api/v1/jobs/orders')[0];
    expect(put.headers['if-match']).toBe('"7"');
    expect((put.body as { spec: { parallelism: number } }).spec.parallelism).toBe(4);

    const progress = await screen.findByRole('region', { name: 'Submission progress' });
    // The poll sees RUNNING (the old version): not done yet.
    await waitFor(() => expect(server.calls('GET', '/api/v1/jobs/orders').length).toBeGreaterThan(1));
    await act(() => new Promise((r) => setTimeout(r, 100)));
    expect(within(progress).queryByText('Running')).toBeNull();
    await waitFor(() => expect(server.openStreams).toBeGreaterThan(0));
    act(() =>
      server.event(9, { id: 9, job: 'orders', type: 'state-changed', from: 'RUNNING', to: 'UPGRADING', time: '2025-01-01T00:00:00Z' }),
    );
    act(() =>
      server.event(10, { id: 10, job: 'orders', type: 'state-changed', from: 'UPGRADING', to: 'RUNNING', time: '2025-01-01T00:00:01Z' }),
    );
    await waitFor(() => expect(within(progress).getByText('Running')).toBeInTheDocument());
  });

  it('says when someone else saved the job meanwhile', async () => {
    const server = new FakeServer();
    checker(server);
    server.on('GET /api/v1/jobs/orders', () =>
      json(200, {
        metadata: { name: 'orders' },
        spec: { flinkVersion: '1.20', image: 'i', sql: GOOD },
        status: { state: 'DRAFT', revision: 1 },
      }),
    );
    server.on('PUT /api/v1/jobs/orders', () => apiError(409, 'conflict', 'the job changed', { currentRevision: 2 }));
    renderApp(server, '/jobs/orders/edit');
    await screen.findByRole('heading', { name: 'Edit orders' });
    await waitFor(() => expect(screen.getByTestId('sql-summary')).toHaveTextContent('No problems'));
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    const dialog = await screen.findByRole('dialog', { name: 'Someone else changed this job' });
    expect(dialog).toHaveTextContent('revision 2');
  });
});
