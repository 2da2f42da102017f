import { describe, expect, it } from 'vitest';
import { fieldFor } from './paths';

const cases = Object.values(
  import.meta.glob<[string, string | null, string | null, number | null][]>('../../test/cases/field-paths.json', {
    eager: true,
    import: 'default',
  }),
)[0];

describe('fieldFor', () => {
  for (const [path, field, key, index] of cases) {
    it(path, () => {
      const ref = fieldFor(path);
      expect(ref.field).toBe(field);
      expect(ref.key ?? null).toBe(key);
      expect(ref.index ?? null).toBe(index);
    });
  }
});
