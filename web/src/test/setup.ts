// jsdom lacks a few browser APIs the UI's libraries touch (layout, observers); these
// stand-ins report an empty layout, which the tests do not depend on.
import '@testing-library/jest-dom/vitest';
import { afterEach } from 'vitest';
import { cleanup, configure } from '@testing-library/react';

afterEach(() => cleanup());

// The tests run on shared, busy build machines: findBy*/waitFor wait up to 10 s (the
// default 1 s fails under load); a passing test does not wait longer.
configure({ asyncUtilTimeout: 10_000 });

class NoopResizeObserver {
  observe() {}
  unobserve() {}
  disconnect() {}
}
const g = globalThis as Record<string, unknown>;
g.ResizeObserver ??= NoopResizeObserver;

const emptyRects = () => Object.assign([], { item: () => null }) as unknown as DOMRectList;
const zeroRect = () => ({ x: 0, y: 0, width: 0, height: 0, top: 0, left: 0, right: 0, bottom: 0, toJSON: () => ({}) }) as DOMRect;
Range.prototype.getClientRects ??= emptyRects;
Range.prototype.getBoundingClientRect ??= zeroRect;
document.elementFromPoint ??= () => null;
