import { useMemo, useState } from 'react';
import type { LineageAnswer } from '../api/types';
import { maskValue } from '../spec/secrets';
import { Empty } from '../ui/Feedback';
import { NODE_H, NODE_W, layoutLineage } from './lineageLayout';

// Table-level lineage drawn left to right; each table is focusable and opens its details.
// The same edges are listed as text below the drawing for screen readers.
export function LineageGraph({ lineage }: { lineage: LineageAnswer }) {
  const layout = useMemo(() => layoutLineage(lineage), [lineage]);
  const [selected, setSelected] = useState<string | null>(null);
  if (layout.nodes.length === 0) {
    return <Empty title="No lineage">The script defines no tables and writes nowhere.</Empty>;
  }
  const table = lineage.tables.find((t) => t.name === selected);
  const related = (n: string) =>
    !selected || n === selected || layout.edges.some((e) => (e.from === selected && e.to === n) || (e.to === selected && e.from === n));
  return (
    <div className="lineage">
      <div className="lineage-canvas">
        <svg
          width={layout.width}
          height={layout.height}
          viewBox={`0 0 ${layout.width} ${layout.height}`}
          role="group"
          aria-label="Lineage graph: tables, and arrows from the tables read to the tables written"
        >
          <defs>
            <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">
              <path d="M 0 0 L 10 5 L 0 10 z" className="lineage-arrowhead" />
            </marker>
          </defs>
          {layout.edges.map((e) => (
            <path
              key={`${e.from}->${e.to}`}
              d={e.path}
              className={`lineage-edge${selected && (e.from === selected || e.to === selected) ? ' active' : ''}`}
              markerEnd="url(#arrow)"
            >
              <title>{`${e.from} → ${e.to} (statement ${e.statements.map((s) => s + 1).join(', ')})`}</title>
            </path>
          ))}
          {layout.nodes.map((n) => (
            <g
              key={n.id}
              transform={`translate(${n.x},${n.y})`}
              className={`lineage-node lineage-${n.kind}${selected === n.id ? ' selected' : ''}${related(n.id) ? '' : ' faded'}`}
              tabIndex={0}
              role="button"
              aria-pressed={selected === n.id}
              aria-label={`${n.id}${n.connector ? `, connector ${n.connector}` : ''}${n.kind === 'external' ? ', not defined in the script' : ''}`}
              onClick={() => setSelected(selected === n.id ? null : n.id)}
              onKeyDown={(ev) => {
                if (ev.key === 'Enter' || ev.key === ' ') {
                  ev.preventDefault();
                  setSelected(selected === n.id ? null : n.id);
                }
              }}
            >
              <rect width={NODE_W} height={NODE_H} rx={6} />
              <text x={12} y={21} className="lineage-name">
                {n.id.length > 26 ? n.id.slice(0, 25) + '…' : n.id}
              </text>
              <text x={12} y={40} className="lineage-connector">
                {n.kind === 'external' ? 'not defined in the script' : n.connector || n.kind}
              </text>
            </g>
          ))}
        </svg>
      </div>
      {table && (
        <section className="lineage-details" aria-label={`Table ${table.name}`}>
          <h3>
            {table.name} <span className="tag">{table.kind}</span>
            {table.connector && <span className="tag">{table.connector}</span>}
          </h3>
          {table.columns && table.columns.length > 0 && (
            <table className="compact">
              <thead>
                <tr>
                  <th>Column</th>
                  <th>Type</th>
                  <th>Kind</th>
                </tr>
              </thead>
              <tbody>
                {table.columns.map((c) => (
                  <tr key={c.name}>
                    <td>
                      <code>{c.name}</code>
                    </td>
                    <td>{c.type ?? c.expression ?? ''}</td>
                    <td>{c.kind}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {table.options && Object.keys(table.options).length > 0 && (
            <dl className="options">
              {Object.entries(table.options).map(([k, v]) => (
                <div key={k}>
                  <dt>{k}</dt>
                  <dd>{maskValue(k, v)}</dd>
                </div>
              ))}
            </dl>
          )}
        </section>
      )}
      {!table && <p className="muted">Select a table to see its columns and options.</p>}
      <details className="lineage-text">
        <summary>Lineage as text</summary>
        <ul>
          {layout.edges.map((e) => (
            <li key={`${e.from}->${e.to}`}>
              {e.from} → {e.to} (statement {e.statements.map((s) => s + 1).join(', ')})
            </li>
          ))}
        </ul>
      </details>
    </div>
  );
}
