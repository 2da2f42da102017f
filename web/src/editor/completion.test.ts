import { describe, expect, it } from 'vitest';
import { identifierBefore, optionKeyContext } from './completion';

describe('optionKeyContext', () => {
  it('finds a key being typed after SET', () => {
    expect(optionKeyContext("SET 'execution.check")).toEqual({ start: 5, quoted: true });
    expect(optionKeyContext("  set '")).toEqual({ start: 7, quoted: true });
    expect(optionKeyContext('SET pipeline.na')).toEqual({ start: 4, quoted: false });
  });
  it('not in the value or elsewhere', () => {
    expect(optionKeyContext("SET 'a.b' = 'x")).toBeNull();
    expect(optionKeyContext("SELECT 'exec")).toBeNull();
    expect(optionKeyContext("INSERT INTO t SET 'a")).toBeNull();
  });
});

describe('identifierBefore', () => {
  it('reads the word and its qualifier', () => {
    expect(identifierBefore('SELECT o.cu')).toEqual({ qualifier: 'o', word: 'cu' });
    expect(identifierBefore('FROM ord')).toEqual({ qualifier: null, word: 'ord' });
    expect(identifierBefore('FROM `my table`.x')).toEqual({ qualifier: 'my table', word: 'x' });
    expect(identifierBefore('SELECT ')).toEqual({ qualifier: null, word: '' });
  });
});
