const TONE: Record<string, string> = {
  RUNNING: 'good',
  FINISHED: 'neutral',
  DRAFT: 'neutral',
  SUSPENDED: 'neutral',
  CANCELED: 'neutral',
  DEPLOYING: 'busy',
  RESTARTING: 'busy',
  UPGRADING: 'busy',
  FAILED: 'bad',
};

export function StateBadge({ state }: { state: string | undefined }) {
  const s = state ?? 'UNKNOWN';
  return <span className={`badge badge-${TONE[s] ?? 'neutral'}`}>{s}</span>;
}
