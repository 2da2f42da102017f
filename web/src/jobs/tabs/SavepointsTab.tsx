import { useState } from 'react';
import { errorMessage } from '../../api/client';
import type { Job } from '../../api/types';
import { useApi } from '../../app/ApiContext';
import { useJobEvents } from '../../app/EventsProvider';
import { CopyButton } from '../../ui/CopyButton';
import { Empty, ErrorBox, Loading, Notice } from '../../ui/Feedback';
import { Modal } from '../../ui/Modal';
import { Time } from '../../ui/Time';
import { useAsync } from '../../ui/useAsync';

function size(bytes?: number): string {
  if (bytes === undefined) return '';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(u ? 1 : 0)} ${units[u]}`;
}

export function SavepointsTab({ job, canOperate }: { job: Job; canOperate: boolean }) {
  const api = useApi();
  const name = job.metadata.name;
  const savepoints = useAsync(() => api.jobSavepoints(name), [api, name]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [restore, setRestore] = useState<string | null>(null);

  useJobEvents({
    onEvent: (e) => {
      // A stop's or suspend's savepoint lands with the state change that ends the job.
      if (e.job === name && (e.type.toLowerCase().includes('savepoint') || e.to)) void savepoints.reload();
    },
  });

  const trigger = async () => {
    setBusy(true);
    setError(null);
    setMessage(null);
    try {
      await api.jobAction(name, 'savepoint');
      setMessage('Savepoint requested; it appears below when Flink has written it.');
      void savepoints.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const doRestore = async () => {
    if (!restore) return;
    setBusy(true);
    setError(null);
    try {
      await api.jobAction(name, 'restart', { savepointPath: restore });
      setMessage(`Restarting from ${restore}.`);
      setRestore(null);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const running = job.status?.state === 'RUNNING';
  const list = [...(savepoints.data ?? [])].sort((a, b) => String(b.createdAt).localeCompare(String(a.createdAt)));
  return (
    <div>
      <div className="toolbar">
        <button
          type="button"
          className="primary"
          disabled={!canOperate || !running || busy}
          title={running ? undefined : 'A savepoint needs a running job'}
          onClick={() => void trigger()}
        >
          Take savepoint
        </button>
        <button type="button" className="small" onClick={() => void savepoints.reload()}>
          Refresh
        </button>
        {job.spec?.savepointDirectory && (
          <span className="muted">
            Savepoints go to <code>{job.spec.savepointDirectory}</code>
          </span>
        )}
      </div>
      {message && <Notice kind="success">{message}</Notice>}
      {error && !restore ? <ErrorBox error={error} title="The savepoint action failed" /> : null}
      {savepoints.loading && !savepoints.data ? (
        <Loading label="Loading savepoints…" />
      ) : savepoints.error ? (
        <ErrorBox error={savepoints.error} onRetry={() => void savepoints.reload()} />
      ) : list.length === 0 ? (
        <Empty title="No savepoints yet">
          Take one now, or set a savepoint schedule on the job. Stopping or suspending with a savepoint also makes one.
        </Empty>
      ) : (
        <table className="compact">
          <thead>
            <tr>
              <th>Taken</th>
              <th>Status</th>
              <th>Why</th>
              <th>Path</th>
              <th>Size</th>
              <th>
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.map((sp) => (
              <tr key={sp.id}>
                <td>
                  <Time value={sp.createdAt} />
                </td>
                <td>
                  <span className={`badge badge-${sp.status === 'COMPLETED' ? 'good' : sp.status === 'FAILED' ? 'bad' : 'busy'}`}>
                    {sp.status}
                  </span>
                  {sp.error && <div className="muted">{sp.error}</div>}
                </td>
                <td>{sp.trigger ?? ''}</td>
                <td className="path">{sp.path ? <code>{sp.path}</code> : <span className="muted">—</span>}</td>
                <td>{size(sp.sizeBytes)}</td>
                <td className="row-actions">
                  {sp.path && <CopyButton text={sp.path} label="Copy path" />}
                  <button
                    type="button"
                    className="small"
                    disabled={!canOperate || sp.status !== 'COMPLETED' || !sp.path}
                    onClick={() => setRestore(sp.path ?? null)}
                  >
                    Restore from
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {restore && (
        <Modal
          title="Restore from this savepoint?"
          onClose={() => setRestore(null)}
          footer={
            <>
              <button type="button" onClick={() => setRestore(null)}>
                Keep running
              </button>
              <button type="button" className="primary" disabled={busy} onClick={() => void doRestore()}>
                Restart from savepoint
              </button>
            </>
          }
        >
          <p>
            The job stops and starts again from <code>{restore}</code>. State written since that savepoint is discarded.
          </p>
          {error ? <p className="form-error">{errorMessage(error)}</p> : null}
        </Modal>
      )}
    </div>
  );
}
