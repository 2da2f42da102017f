// Flink's option catalog for one version, as the server lists it, with the lookups the
// form needs: is a key known, what type it has, and which key the user probably meant.

import type { FlinkOption } from '../api/types';
import { optionValueProblem } from './values';

export interface OptionFinding {
  severity: 'error' | 'warning';
  message: string;
}

// Prefixes under which Flink passes keys through (environment, file systems, ...).
const PASS_THROUGH = [
  'containerized.master.env.',
  'containerized.taskmanager.env.',
  'fs.',
  's3.',
  's3a.',
  'hadoop.',
  'flink.hadoop.',
  '$internal.',
];

export function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length];
}

// The closest candidate within a distance that still reads as a typo, or null.
export function closestMatch(word: string, candidates: Iterable<string>): string | null {
  let best: string | null = null;
  let bestD = Infinity;
  const limit = Math.max(2, Math.floor(word.length / 4));
  for (const c of candidates) {
    if (Math.abs(c.length - word.length) > limit) continue;
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return bestD <= limit ? best : null;
}

function placeholderRegex(key: string): RegExp {
  const parts = key.split(/<[^>]+>/).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('[^]+?')}$`);
}

export class OptionCatalog {
  readonly version: string;
  readonly options: FlinkOption[];
  private readonly byKey = new Map<string, FlinkOption>();
  private readonly deprecated = new Map<string, FlinkOption>();
  private readonly patterns: { re: RegExp; option: FlinkOption }[] = [];
  private readonly maps: FlinkOption[] = [];

  constructor(version: string, options: FlinkOption[]) {
    this.version = version;
    this.options = [...options].sort((a, b) => a.key.localeCompare(b.key));
    for (const o of this.options) {
      if (o.key.includes('<')) this.patterns.push({ re: placeholderRegex(o.key), option: o });
      else this.byKey.set(o.key, o);
      if (o.type === 'Map') this.maps.push(o);
      for (const d of o.deprecatedKeys ?? []) this.deprecated.set(d, o);
    }
  }

  find(key: string): FlinkOption | undefined {
    return this.byKey.get(key) ?? this.patterns.find((p) => p.re.test(key))?.option;
  }

  // What is wrong or doubtful about `key: value`; empty when nothing.
  check(key: string, value: string): OptionFinding[] {
    const k = key.trim();
    if (k === '') return [{ severity: 'error', message: 'the key is empty' }];
    const option = this.find(k);
    if (option) {
      const p = optionValueProblem(option.type, value, option.values);
      return p ? [{ severity: 'error', message: `${k} ${p}` }] : [];
    }
    const replacement = this.deprecated.get(k);
    if (replacement) {
      const out: OptionFinding[] = [{ severity: 'warning', message: `${k} is deprecated; use ${replacement.key}` }];
      const p = optionValueProblem(replacement.type, value, replacement.values);
      if (p) out.push({ severity: 'error', message: `${k} ${p}` });
      return out;
    }
    if (PASS_THROUGH.some((p) => k.startsWith(p))) return [];
    if (this.maps.some((m) => k.startsWith(m.key + '.'))) return [];
    const near = closestMatch(k, this.byKey.keys());
    return [
      {
        severity: 'warning',
        message: near
          ? `${k} is not an option of Flink ${this.version} (did you mean ${near}?)`
          : `${k} is not an option of Flink ${this.version}`,
      },
    ];
  }
}
