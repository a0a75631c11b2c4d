import { describe, expect, it } from 'vitest';
import { compileGlob } from '../src/glob.js';

const matches = (pattern: string, name: string) => compileGlob(pattern)?.test(name) ?? false;

describe('graphite globs', () => {
  it('matches within one element only', () => {
    expect(matches('a.*.c', 'a.b.c')).toBe(true);
    expect(matches('a.*.c', 'a.b.x.c')).toBe(false);
    expect(matches('a.*', 'a.b.c')).toBe(false);
    expect(matches('a.b?', 'a.bc')).toBe(true);
    expect(matches('a.b?', 'a.b')).toBe(false);
  });
  it('supports character classes, negation and braces', () => {
    expect(matches('host[0-9].cpu', 'host3.cpu')).toBe(true);
    expect(matches('host[!0-9].cpu', 'hostx.cpu')).toBe(true);
    expect(matches('host[!0-9].cpu', 'host3.cpu')).toBe(false);
    expect(matches('cpu-{user,sys}*.x', 'cpu-sys1.x')).toBe(true);
    expect(matches('{a,b}.{c,d}', 'b.c')).toBe(true);
    expect(matches('{a,b}.{c,d}', 'b.e')).toBe(false);
    expect(matches('a.{b.c,d}', 'a.b.c')).toBe(true);
  });
  it('treats regex characters and tagged names literally', () => {
    expect(matches('a+b.c', 'a+b.c')).toBe(true);
    expect(matches('a+b.c', 'aab.c')).toBe(false);
    expect(matches('disk.used;dc=a', 'disk.used;dc=a')).toBe(true);
    expect(matches('disk.used;dc=a', 'disk.usedx;dc=a')).toBe(false);
  });
  it('rejects unusable patterns', () => {
    expect(compileGlob('')).toBeNull();
    expect(compileGlob('x'.repeat(5000))).toBeNull();
    expect(matches('a[', 'a[')).toBe(true);
  });
});
