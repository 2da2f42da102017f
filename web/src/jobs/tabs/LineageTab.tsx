import { useApi } from '../../app/ApiContext';
import { ErrorBox, Loading } from '../../ui/Feedback';
import { useAsync } from '../../ui/useAsync';
import { LineageGraph } from '../LineageGraph';

export function LineageTab({ name }: { name: string }) {
  const api = useApi();
  const lineage = useAsync(() => api.jobLineage(name), [api, name]);
  if (lineage.loading) return <Loading label="Tracing the lineage…" />;
  if (lineage.error) return <ErrorBox error={lineage.error} onRetry={() => void lineage.reload()} />;
  return <LineageGraph lineage={lineage.data ?? { tables: [], edges: [] }} />;
}
