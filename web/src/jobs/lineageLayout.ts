// Places a lineage graph for drawing: tables in columns from sources (left) to sinks
// (right), each table one column right of the furthest table it reads from; within a
// column, tables ordered to keep edges short (barycentre of their inputs). Cycles (a table
// written from itself through others) are broken by ignoring the edge that closes them.

import type { LineageAnswer } from '../api/types';

export interface LaidNode {
  id: string;
  connector: string;
  kind: string; // table, view, external (not defined in the script)
  layer: number;
  x: number;
  y: number;
}

export interface LaidEdge {
  from: string;
  to: string;
  statements: number[];
  path: string; // SVG path data
}

export interface Layout {
  nodes: LaidNode[];
  edges: LaidEdge[];
  width: number;
  height: number;
}

export const NODE_W = 200;
export const NODE_H = 52;
const GAP_X = 90;
const GAP_Y = 28;
const PAD = 16;

export function layoutLineage(answer: LineageAnswer): Layout {
  const info = new Map<string, { connector: string; kind: string }>();
  for (const t of answer.tables ?? []) {
    if (t.kind === 'view') continue; // edges already go through views to their tables
    info.set(t.name, { connector: t.connector ?? '', kind: t.kind || 'table' });
  }
  const merged = new Map<string, { from: string; to: string; statements: number[] }>();
  for (const e of answer.edges ?? []) {
    for (const n of [e.from, e.to]) if (!info.has(n)) info.set(n, { connector: '', kind: 'external' });
    const k = `${e.from}\u0000${e.to}`;
    const m = merged.get(k);
    if (m) {
      if (!m.statements.includes(e.statement)) m.statements.push(e.statement);
    } else merged.set(k, { from: e.from, to: e.to, statements: [e.statement] });
  }
  const names = [...info.keys()].sort();
  const inputs = new Map<string, string[]>(names.map((n) => [n, []]));
  for (const e of merged.values()) if (e.from !== e.to) inputs.get(e.to)!.push(e.from);

  // Longest path from the sources, with a depth-first search that skips back edges.
  const layer = new Map<string, number>();
  const onStack = new Set<string>();
  const visit = (n: string): number => {
    const known = layer.get(n);
    if (known !== undefined) return known;
    onStack.add(n);
    let l = 0;
    for (const src of inputs.get(n) ?? []) {
      if (onStack.has(src)) continue;
      l = Math.max(l, visit(src) + 1);
    }
    onStack.delete(n);
    layer.set(n, l);
    return l;
  };
  names.forEach(visit);

  const columns: string[][] = [];
  for (const n of names) (columns[layer.get(n)!] ??= []).push(n);
  const row = new Map<string, number>();
  columns.forEach((col, c) => {
    if (c > 0) {
      const centre = (n: string) => {
        const ins = (inputs.get(n) ?? []).filter((s) => row.has(s));
        return ins.length ? ins.reduce((a, s) => a + row.get(s)!, 0) / ins.length : Infinity;
      };
      col.sort((a, b) => centre(a) - centre(b) || a.localeCompare(b));
    }
    col.forEach((n, i) => row.set(n, i));
  });

  const tallest = Math.max(1, ...columns.map((c) => c.length));
  const height = PAD * 2 + tallest * NODE_H + (tallest - 1) * GAP_Y;
  const nodes: LaidNode[] = [];
  const pos = new Map<string, LaidNode>();
  columns.forEach((col, c) => {
    const colHeight = col.length * NODE_H + (col.length - 1) * GAP_Y;
    const top = (height - colHeight) / 2;
    col.forEach((n, i) => {
      const node: LaidNode = {
        id: n,
        connector: info.get(n)!.connector,
        kind: info.get(n)!.kind,
        layer: c,
        x: PAD + c * (NODE_W + GAP_X),
        y: top + i * (NODE_H + GAP_Y),
      };
      nodes.push(node);
      pos.set(n, node);
    });
  });
  const edges: LaidEdge[] = [...merged.values()].map((e) => {
    const a = pos.get(e.from)!;
    const b = pos.get(e.to)!;
    let path: string;
    if (e.from === e.to) {
      const x = a.x + NODE_W;
      const y = a.y + NODE_H / 2;
      path = `M ${x} ${y - 8} C ${x + 40} ${y - 40}, ${x + 40} ${y + 40}, ${x} ${y + 8}`;
    } else {
      const x1 = a.x + NODE_W;
      const y1 = a.y + NODE_H / 2;
      const x2 = b.x;
      const y2 = b.y + NODE_H / 2;
      const dx = Math.max(40, Math.abs(x2 - x1) / 2);
      path = `M ${x1} ${y1} C ${x1 + dx} ${y1}, ${x2 - dx} ${y2}, ${x2} ${y2}`;
    }
    return { ...e, path };
  });
  const width = PAD * 2 + Math.max(1, columns.length) * NODE_W + Math.max(0, columns.length - 1) * GAP_X;
  return { nodes, edges, width, height };
}
