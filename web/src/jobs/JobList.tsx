// The virtualised job table: only the rows in view (and a few around) are in the page, so
// 10,000 jobs scroll as smoothly as 10. Arrow keys, Page Up/Down, Home and End move
// between rows; Enter opens the job.

import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useRef, type KeyboardEvent, type MouseEvent } from 'react';
import { useNavigate } from 'react-router';
import { StateBadge } from '../ui/StateBadge';
import { Time } from '../ui/Time';
import type { JobRow } from './jobRows';

export const ROW_HEIGHT = 40;

// One row. Memoised, so that scrolling re-renders only the rows that come into view and a
// state change only its own row; plain links (navigation is delegated to the list), since
// a router link per row costs more than the row itself when rows change every frame.
const Row = memo(function Row({ r, index, start }: { r: JobRow; index: number; start: number }) {
  return (
    <div
      className="joblist-row"
      role="row"
      aria-rowindex={index + 2}
      data-index={index}
      style={{ transform: `translateY(${start}px)`, height: ROW_HEIGHT }}
    >
      <span role="cell" className="cell-name">
        <a href={`/jobs/${encodeURIComponent(r.name)}`} data-nav="">
          {r.name}
        </a>
        {r.program && <span className="tag">{r.program}</span>}
      </span>
      <span role="cell">
        <StateBadge state={r.state} />
      </span>
      <span role="cell" className="cell-reason" title={r.reason}>
        {r.reason}
      </span>
      <span role="cell">{r.team || <span className="muted">—</span>}</span>
      <span role="cell">{r.target}</span>
      <span role="cell">{r.cluster}</span>
      <span role="cell">{r.flinkVersion}</span>
      <span role="cell">
        <Time value={r.updatedAt} />
      </span>
    </div>
  );
});

export function JobList({
  rows,
  hasMore,
  loadingMore,
  onNearEnd,
}: {
  rows: JobRow[];
  hasMore: boolean;
  loadingMore: boolean;
  onNearEnd: () => void;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const navigate = useNavigate();
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const last = items.length ? items[items.length - 1].index : -1;

  useEffect(() => {
    if (hasMore && !loadingMore && last >= rows.length - 40) onNearEnd();
  }, [last, rows.length, hasMore, loadingMore, onNearEnd]);

  const focusRow = (index: number) => {
    const i = Math.max(0, Math.min(rows.length - 1, index));
    virtualizer.scrollToIndex(i, { align: 'auto' });
    const tryFocus = (attempts: number) => {
      const link = scrollRef.current?.querySelector<HTMLAnchorElement>(`[data-index="${i}"] a`);
      if (link) link.focus();
      else if (attempts > 0) requestAnimationFrame(() => tryFocus(attempts - 1));
    };
    requestAnimationFrame(() => tryFocus(5));
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const row = (e.target as HTMLElement).closest<HTMLElement>('[data-index]');
    const current = row ? Number(row.dataset.index) : -1;
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 400) / ROW_HEIGHT) - 1);
    const moves: Record<string, number> = {
      ArrowDown: current + 1,
      ArrowUp: current - 1,
      PageDown: current + page,
      PageUp: current - page,
      Home: 0,
      End: rows.length - 1,
    };
    if (e.key in moves && rows.length > 0) {
      e.preventDefault();
      focusRow(moves[e.key]);
    }
  };

  const onClick = (e: MouseEvent<HTMLDivElement>) => {
    const a = (e.target as HTMLElement).closest<HTMLAnchorElement>('a[data-nav]');
    if (!a || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(a.getAttribute('href')!);
  };

  return (
    <div className="joblist" role="table" aria-label="Jobs" aria-rowcount={rows.length + 1}>
      <div className="joblist-row joblist-head" role="row" aria-rowindex={1}>
        <span role="columnheader">Name</span>
        <span role="columnheader">State</span>
        <span role="columnheader">Reason</span>
        <span role="columnheader">Team</span>
        <span role="columnheader">Target</span>
        <span role="columnheader">Cluster</span>
        <span role="columnheader">Flink</span>
        <span role="columnheader">Updated</span>
      </div>
      <div className="joblist-scroll" ref={scrollRef} onKeyDown={onKeyDown} onClick={onClick} data-testid="joblist-scroll">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }} role="rowgroup">
          {items.map((v) => (
            <Row key={rows[v.index].name} r={rows[v.index]} index={v.index} start={v.start} />
          ))}
        </div>
        {loadingMore && <div className="joblist-more">Loading more jobs…</div>}
      </div>
    </div>
  );
}
