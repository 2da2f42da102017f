import { describe, expect, it } from 'vitest';
import type { LineageAnswer } from '../api/types';
import { NODE_H, NODE_W, layoutLineage } from './lineageLayout';

interface Case {
  what: string;
  lineage: LineageAnswer;
  layers: Record<string, number>;
  kinds: Record<string, string>;
  edges?: number;
}
const cases = Object.values(import.meta.glob<Case[]>('../../test/cases/lineage-layout.json', { eager: true, import: 'default' }))[0];

describe('layoutLineage', () => {
  for (const c of cases) {
    it(c.what, () => {
      const l = layoutLineage(c.lineage);
      expect(Object.fromEntries(l.nodes.map((n) => [n.id, n.layer]))).toEqual(c.layers);
      expect(Object.fromEntries(l.nodes.map((n) => [n.id, n.kind]))).toEqual(c.kinds);
      if (c.edges !== undefined) expect(l.edges).toHaveLength(c.edges);
      // Nothing overlaps and everything is inside the drawing.
      for (const a of l.nodes) {
        expect(a.x).toBeGreaterThanOrEqual(0);
        expect(a.y).toBeGreaterThanOrEqual(0);
        expect(a.x + NODE_W).toBeLessThanOrEqual(l.width);
        expect(a.y + NODE_H).toBeLessThanOrEqual(l.height);
        for (const b of l.nodes) {
          if (a === b) continue;
          const apart = a.x + NODE_W <= b.x || b.x + NODE_W <= a.x || a.y + NODE_H <= b.y || b.y + NODE_H <= a.y;
          expect(apart).toBe(true);
        }
      }
    });
  }
  it('merges the statements of repeated edges', () => {
    const l = layoutLineage(cases[3].lineage);
    expect(l.edges.find((e) => e.to === 's1')?.statements).toEqual([1, 2]);
  });
  it('draws nothing for an empty answer', () => {
    const l = layoutLineage({ tables: [], edges: [] });
    expect(l.nodes).toEqual([]);
    expect(l.edges).toEqual([]);
  });
});
