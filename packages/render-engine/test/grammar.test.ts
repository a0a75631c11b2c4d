import { describe, expect, it } from 'vitest';
import { parseTarget, TargetParseError } from '../src/index.js';

describe('target grammar', () => {
  it('parses paths with globs, braces, tags and escapes', () => {
    expect(parseTarget('a.b-c.*.d[0-9]?')).toMatchObject({ type: 'path', path: 'a.b-c.*.d[0-9]?' });
    expect(parseTarget('cpu-{user,sys}*.x')).toMatchObject({ type: 'path', path: 'cpu-{user,sys}*.x' });
    expect(parseTarget('disk.used;dc=eu')).toMatchObject({ type: 'path', path: 'disk.used;dc=eu' });
    expect(parseTarget('a\\(b\\).c')).toMatchObject({ type: 'path', path: 'a(b).c' });
    expect(parseTarget('$host.cpu')).toMatchObject({ type: 'path', path: '$host.cpu' });
  });

  it('parses nested calls, literals and keyword arguments', () => {
    const e = parseTarget('summarize(sumSeries(a.*, b), "1h", \'sum\', alignToFrom=true)');
    expect(e).toMatchObject({
      type: 'call',
      name: 'summarize',
      args: [
        {
          type: 'call',
          name: 'sumSeries',
          args: [
            { type: 'path', path: 'a.*' },
            { type: 'path', path: 'b' },
          ],
        },
        { type: 'string', value: '1h' },
        { type: 'string', value: 'sum' },
      ],
      kwargs: { alignToFrom: { type: 'boolean', value: true } },
    });
    expect(parseTarget('f(1, -2.5, 1e3, None, inf, FALSE)')).toMatchObject({
      args: [
        { type: 'number', value: 1, isFloat: false },
        { type: 'number', value: -2.5, isFloat: true },
        { type: 'number', value: 1000, isFloat: true },
        { type: 'none' },
        { type: 'number', value: Number.POSITIVE_INFINITY },
        { type: 'boolean', value: false },
      ],
    });
  });

  it('keeps string escapes verbatim (regexes and \\1 back-references)', () => {
    const e = parseTarget('aliasSub(a, "(\\d+)\\.x", "\\1 \\"q\\"")');
    expect(e).toMatchObject({ args: [{}, { value: '(\\d+)\\.x' }, { value: '\\1 \\"q\\"' }] });
  });

  it('numbers followed by other characters are paths', () => {
    expect(parseTarget('f(1.5.x)')).toMatchObject({ args: [{ type: 'path', path: '1.5.x' }] });
    expect(parseTarget('f(trueish.x)')).toMatchObject({ args: [{ type: 'path', path: 'trueish.x' }] });
  });

  it('pipes pass the left side as the first argument', () => {
    expect(parseTarget('a.b | scale(2) |alias("x")')).toMatchObject({
      type: 'call',
      name: 'alias',
      args: [
        { type: 'call', name: 'scale', args: [{ type: 'path', path: 'a.b' }, { value: 2 }] },
        { value: 'x' },
      ],
    });
  });

  it('seriesByTag keeps its raw call text', () => {
    expect(parseTarget('seriesByTag(\'name=cpu\', "dc=eu")')).toMatchObject({
      raw: 'seriesByTag(\'name=cpu\', "dc=eu")',
    });
  });

  it('template() with defaults', () => {
    expect(parseTarget('template(a.$x.$1, x="b", y=2)')).toMatchObject({
      type: 'template',
      expr: { type: 'path', path: 'a.$x.$1' },
      kwargs: { x: { value: 'b' }, y: { value: 2 } },
    });
  });

  it('reports errors with a position', () => {
    const cases: Array<[string, number]> = [
      ['sumSeries(a.b', 13],
      ['sumSeries(a.b,,c)', 14],
      ["alias(a, 'x)", 9],
      ['a.b)', 3],
      ['f(a{b,}.c)', 6],
      ['a.b | 5', 6],
      ['', 0],
      ['f(x=1, a.b)', 7],
    ];
    for (const [target, pos] of cases) {
      let err: unknown;
      try {
        parseTarget(target);
      } catch (e) {
        err = e;
      }
      expect(err, target).toBeInstanceOf(TargetParseError);
      expect((err as TargetParseError).position, target).toBe(pos);
    }
  });

  it('refuses absurd nesting instead of overflowing the stack', () => {
    const deep = `${'f('.repeat(5000)}a${')'.repeat(5000)}`;
    expect(() => parseTarget(deep)).toThrow(/nesting deeper/);
  });
});
