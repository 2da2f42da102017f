import type { RenderAnswer } from '../api/types';
import { CopyButton } from '../ui/CopyButton';
import { Empty } from '../ui/Feedback';

export function RenderView({ render }: { render: RenderAnswer | string }) {
  if (typeof render === 'string') return <pre className="code">{render}</pre>;
  const docs = render.documents ?? [];
  return (
    <div className="render">
      {(render.findings ?? []).length > 0 && (
        <ul className="findings">
          {render.findings!.map((f, i) => (
            <li key={i} className={f.severity}>
              <strong>{f.severity}</strong> {f.path && <code>{f.path}</code>} {f.message}
            </li>
          ))}
        </ul>
      )}
      {docs.length === 0 && <Empty title="Nothing rendered">The server returned no documents for this target.</Empty>}
      {docs.map((d, i) => (
        <section key={i} className="render-doc">
          <div className="render-head">
            <h3>{d.title}</h3>
            <CopyButton text={d.content} />
          </div>
          <pre className="code">{d.content}</pre>
        </section>
      ))}
    </div>
  );
}
