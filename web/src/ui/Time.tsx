// A time as the server sends it (RFC 3339 or Unix milliseconds), shown relative with the
// exact time on hover and for screen readers.

export function toDate(v: string | number | null | undefined): Date | null {
  if (v === null || v === undefined || v === '') return null;
  const d = typeof v === 'number' ? new Date(v) : new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}

export function relative(d: Date, now = Date.now()): string {
  const s = Math.round((now - d.getTime()) / 1000);
  const abs = Math.abs(s);
  const fmt = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  let text: string;
  if (abs < 45) text = 'just now';
  else if (abs < 3600) text = fmt(Math.round(abs / 60), 'minute');
  else if (abs < 86400) text = fmt(Math.round(abs / 3600), 'hour');
  else if (abs < 86400 * 30) text = fmt(Math.round(abs / 86400), 'day');
  else return d.toISOString().slice(0, 10);
  if (text === 'just now') return text;
  return s >= 0 ? `${text} ago` : `in ${text}`;
}

export function Time({ value, absolute = false }: { value: string | number | null | undefined; absolute?: boolean }) {
  const d = toDate(value);
  if (!d) return <span className="muted">—</span>;
  const exact = d
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');
  return (
    <time dateTime={d.toISOString()} title={exact}>
      {absolute ? exact : relative(d)}
    </time>
  );
}
