import { useApi } from '../../app/ApiContext';
import { ErrorBox, Loading } from '../../ui/Feedback';
import { useAsync } from '../../ui/useAsync';
import { RenderView } from '../RenderView';

export function DeploymentTab({ name }: { name: string }) {
  const api = useApi();
  const render = useAsync(() => api.jobRender(name), [api, name]);
  if (render.loading) return <Loading label="Rendering what the target gets…" />;
  if (render.error)
    return <ErrorBox error={render.error} onRetry={() => void render.reload()} title="The deployment could not be rendered" />;
  return (
    <div>
      <p className="muted">Exactly what Sluice creates or runs for this version of the job (a dry run; nothing is changed).</p>
      <RenderView render={render.data!} />
    </div>
  );
}
