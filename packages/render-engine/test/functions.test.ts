// Unit tests of the Combine/Alias/Filter Series/Sorting/Special/Graph rules over an in-memory store
// (values against graphite-web itself are in test/diff).

import { describe, expect, it } from 'vitest';
import { createContext, evaluateTargets, type Series } from '../src/index.js';
import { MemoryStorage } from './helpers/memory-storage.js';

const NOW = 1_700_006_400; // multiple of 3600
const START = NOW - 600;

function store(): MemoryStorage {
  const s = new MemoryStorage();
  s.add('a.b.c', 60, START, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  s.add('a.b.d', 60, START, [null, 2, null, 4, null, 6, null, 8, null, 10]);
  s.add('a.x.c', 60, START, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  s.add('neg.one', 60, START, [-1, -2, -3, -1, -2, -3, -1, -2, -3, -1]);
  s.add('slow.one', 120, START, [10, 20, 30, 40, 50]);
  s.add('host01.cpu', 60, START, [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
  s.add('host2.cpu', 60, START, [2, 2, 2, 2, 2, 2, 2, 2, 2, 2]);
  s.add('host10.cpu', 60, START, [3, 3, 3, 3, 3, 3, 3, 3, 3, 3]);
  s.add('cpu;dc=eu;host=h1', 60, START, [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
  s.add('cpu;dc=eu;host=h2', 60, START, [3, 3, 3, 3, 3, 3, 3, 3, 3, 3]);
  s.add('cpu;dc=us;host=h3', 60, START, [5, 5, 5, 5, 5, 5, 5, 5, 5, 5]);
  s.eventList = [
    { id: 1, when: NOW - 300, what: 'deploy', data: '', tags: ['deploy', 'web'] },
    { id: 2, when: NOW - 300, what: 'deploy', data: '', tags: ['deploy'] },
    { id: 3, when: NOW - 100, what: 'other', data: '', tags: ['other'] },
  ];
  return s;
}

async function run(target: string | string[], from = START - 60, until = NOW): Promise<Series[]> {
  const ctx = createContext({ startTime: from, endTime: until, now: NOW, tz: 'UTC', storage: store() });
  return evaluateTargets(ctx, Array.isArray(target) ? target : [target]);
}
const names = (l: Series[]) => l.map((s) => s.name);

describe('combine', () => {
  it('sumSeries ignores nulls; all-null rows stay null', async () => {
    const [s] = await run('sumSeries(a.b.*)');
    expect(s.name).toBe('sumSeries(a.b.*)');
    expect(s.values.slice(0, 4)).toEqual([1, 4, 3, 8]);
  });
  it('diffSeries: a null minuend makes the next series the minuend', async () => {
    const [s] = await run('diffSeries(a.b.d, a.b.c)');
    expect(s.values.slice(0, 2)).toEqual([1, 0]);
  });
  it('multiplySeries of a single series returns it unrenamed', async () => {
    expect(names(await run('multiplySeries(a.b.c)'))).toEqual(['a.b.c']);
  });
  it('LCM normalisation consolidates finer series and combines positionally', async () => {
    const [s] = await run('sumSeries(a.b.c, slow.one)');
    expect(s.step).toBe(120);
    // a.b.c averaged in pairs: 1.5, 3.5, ... plus slow.one
    expect(s.values.slice(0, 3)).toEqual([1.5 + 10, 3.5 + 20, 5.5 + 30]);
  });
  it('aggregate names by the function as given and keeps common tags', async () => {
    const [s] = await run("aggregate(seriesByTag('dc=eu'), 'avg')");
    expect(s.name).toBe("avgSeries(seriesByTag('dc=eu'))");
    expect(s.tags).toEqual({ dc: 'eu', name: 'cpu', aggregatedBy: 'avg' });
    expect(s.values[0]).toBe(2);
  });
  it('groupByNode names groups by key but leaves tags.name', async () => {
    const r = await run("groupByNode(a.*.*, 1, 'sum')");
    expect(names(r)).toEqual(['b', 'x']);
    expect(r[0].tags.name).toBe('sumSeries(a.*.*)');
  });
  it('groupByNodes with a series-function callback', async () => {
    expect(names(await run("groupByNodes(a.*.*, 'maxSeries', 0, 2)"))).toEqual(['a.c', 'a.d']);
  });
  it('groupByTags keys and tags', async () => {
    const r = await run("groupByTags(seriesByTag('name=cpu'), 'sum', 'dc')");
    expect(names(r)).toEqual(['cpu;dc=eu', 'cpu;dc=us']);
    expect(r[0].tags).toEqual({ dc: 'eu', name: 'cpu' });
    expect(r[0].values[0]).toBe(4);
  });
  it('countSeries and percentileOfSeries', async () => {
    expect((await run('countSeries(a.*.*)'))[0].values[0]).toBe(3);
    const [p] = await run('percentileOfSeries(a.*.*, 50)');
    expect(p.name).toBe('percentileOfSeries(a.*.*,50)');
  });
  it('divideSeries with a missing divisor renames to MISSING with nulls', async () => {
    const [s] = await run('divideSeries(a.b.c, no.such)');
    expect(s.name).toBe('divideSeries(a.b.c,MISSING)');
    expect(s.values.every((v) => v === null)).toBe(true);
  });
  it('asPercent against the sum of the list', async () => {
    const r = await run('asPercent(a.b.*)');
    expect(r[0].name).toBe('asPercent(a.b.c,sumSeries(a.b.*))');
    expect(r[0].values[0]).toBe(100);
    expect(r[0].values[1]).toBe(50);
  });
  it('applyByNode evaluates the template per prefix', async () => {
    const r = await run("applyByNode(a.*.*, 1, 'sumSeries(%.*)', '%.total')");
    expect(names(r)).toEqual(['a.b.total', 'a.x.total']);
  });
});

describe('alias', () => {
  it('aliasSub with Python back-references, all matches', async () => {
    expect(names(await run('aliasSub(a.b.c, "(\\w)\\.", "\\1_")'))).toEqual(['a_b_c']);
    expect(names(await run('aliasSub(a.b.c, "(?P<first>^\\w)", "\\g<first>\\g<1>")'))).toEqual(['aa.b.c']);
    expect(names(await run('aliasSub(a.b.c, "(^.*$)", "\\1 A")'))).toEqual(['a.b.c A']);
  });
  it('aliasByNode uses the inner path of function-shaped names and negative indexes', async () => {
    expect(names(await run('aliasByNode(sumSeries(a.b.c), 1)'))).toEqual(['b']);
    expect(names(await run('aliasByNode(a.b.c, -1, 0)'))).toEqual(['c.a']);
  });
  it('aliasByNode falls back to tags', async () => {
    expect(names(await run("aliasByNode(seriesByTag('dc=us'), 'host', 0)"))).toEqual(['h3.cpu']);
    expect(names(await run("aliasByTags(seriesByTag('dc=us'), 'dc', 'missing')"))).toEqual(['us.']);
  });
  it('alias keeps tags.name and pathExpression', async () => {
    const [s] = await run("alias(a.b.c, 'z')");
    expect(s.name).toBe('z');
    expect(s.tags.name).toBe('a.b.c');
    expect((await run("sumSeries(alias(a.b.*, 'z'))"))[0].name).toBe('sumSeries(a.b.*)');
  });
  it('aliasByMetric and legendValue', async () => {
    expect(names(await run('aliasByMetric(sumSeries(a.b.c))'))).toEqual(['c']);
    expect(names(await run("legendValue(a.b.c, 'avg', 'max')"))).toEqual(['a.b.c (avg: 5.5) (max: 10.0)']);
  });
});

describe('filter series and sorting', () => {
  it('highest* skip null scores; lowest picks them first', async () => {
    expect(names(await run('highestMax(a.*.*, 1)'))).toEqual(['a.b.c']);
    expect(names(await run("lowest(group(a.b.c, no.such), 1, 'max')"))).toEqual(['a.b.c']);
    expect(names(await run('highestCurrent(a.*.*, 2)'))).toEqual(['a.b.c', 'a.b.d']);
  });
  it('Above/Below thresholds', async () => {
    expect(names(await run('maximumAbove(a.*.*, 9)'))).toEqual(['a.b.c', 'a.b.d']);
    expect(names(await run('averageBelow(a.*.*, 0)'))).toEqual(['a.x.c']);
    expect(names(await run("filterSeries(a.*.*, 'max', '>=', 10)"))).toEqual(['a.b.c', 'a.b.d']);
  });
  it('grep, exclude, limit, unique, removeEmptySeries', async () => {
    expect(names(await run("grep(a.*.*, 'x')"))).toEqual(['a.x.c']);
    expect(names(await run("exclude(a.*.*, '^a\\.b')"))).toEqual(['a.x.c']);
    expect(names(await run('limit(a.*.*, 1)'))).toEqual(['a.b.c']);
    expect(names(await run('unique(a.b.c, a.b.*)'))).toEqual(['a.b.c', 'a.b.d']);
    expect(names(await run('removeEmptySeries(a.b.d, 0.6)'))).toEqual([]);
  });
  it('sortByName natural and reverse; sortByMinima drops series never above 0', async () => {
    expect(names(await run('sortByName(host*.cpu, true)'))).toEqual([
      'host01.cpu',
      'host2.cpu',
      'host10.cpu',
    ]);
    expect(names(await run('sortByName(host*.cpu, false, true)'))).toEqual([
      'host2.cpu',
      'host10.cpu',
      'host01.cpu',
    ]);
    expect(names(await run('sortByMinima(group(neg.one, a.b.c, a.x.c))'))).toEqual(['a.b.c']);
    expect(names(await run('sortByMaxima(host*.cpu)'))).toEqual(['host10.cpu', 'host2.cpu', 'host01.cpu']);
  });
});

describe('special and graph', () => {
  it('consolidateBy sets the function, tag and name', async () => {
    const [s] = await run("consolidateBy(a.b.c, 'max')");
    expect(s.name).toBe('consolidateBy(a.b.c,"max")');
    expect(s.consolidationFunc).toBe('max');
    expect(s.tags.consolidateBy).toBe('max');
  });
  it('constantLine: three points over the window', async () => {
    const [s] = await run('constantLine(1.5)');
    expect(s.name).toBe('1.5');
    expect([s.start, s.end, s.step, s.values]).toEqual([START - 60, NOW, 330, [1.5, 1.5, 1.5]]);
  });
  it('events() counts events per second with all the tags', async () => {
    const [s] = await run('events("deploy")');
    expect(s.name).toBe('events("deploy")');
    expect(s.step).toBe(1);
    expect(s.values[360]).toBe(2);
    expect((await run('events("deploy", "web")'))[0].values[360]).toBe(1);
    expect((await run('events("*")'))[0].values.filter((v) => v !== null)).toEqual([2, 1]);
  });
  it('setXFilesFactor applies to the series and the rest of the request', async () => {
    const [s] = await run('setXFilesFactor(a.b.d, 0.5)');
    expect(s.xFilesFactor).toBe(0.5);
    expect(s.tags.xFilesFactor).toBe('0.5');
  });
  it('changed, substr, cactiStyle', async () => {
    expect((await run('changed(a.b.d)'))[0].values.slice(0, 4)).toEqual([0, 0, 0, 1]);
    expect((await run('changed(a.b.c)'))[0].values.slice(0, 3)).toEqual([0, 1, 1]);
    expect(names(await run('substr(a.b.c, 1, 2)'))).toEqual(['b']);
    expect(names(await run('cactiStyle(a.b.c)'))).toEqual([
      'a.b.c Current:10.00    Max:10.00    Min:1.00    ',
    ]);
  });
  it('graph functions pass data through with graphite-web names', async () => {
    expect(names(await run("color(a.b.c, 'red')"))).toEqual(['a.b.c']);
    expect(names(await run('dashed(a.b.c)'))).toEqual(['dashed(a.b.c, 5)']);
    expect(names(await run('drawAsInfinite(a.b.c)'))).toEqual(['drawAsInfinite(a.b.c)']);
    expect(names(await run("threshold(3, 'limit')"))).toEqual(['limit']);
    const st = await run('stacked(a.b.*)');
    expect(names(st)).toEqual(['stacked(a.b.c)', 'stacked(a.b.d)']);
    expect(st[1].values.slice(0, 2)).toEqual([null, 4]);
  });
  it('fallbackSeries', async () => {
    expect(names(await run('fallbackSeries(no.such, a.b.c)'))).toEqual(['a.b.c']);
  });
});

describe('Python regex compatibility', () => {
  it('inline flags, \\A/\\Z and named groups', async () => {
    expect(names(await run("grep(a.*.*, '(?i)A\\.X')"))).toEqual(['a.x.c']);
    expect(names(await run('aliasSub(a.b.c, "\\Aa", "z")'))).toEqual(['z.b.c']);
    expect(names(await run('aliasSub(a.b.c, "c\\Z", "z")'))).toEqual(['a.b.z']);
    expect(names(await run('aliasSub(a.b.c, "(?P<x>b)\\.(?P=x)?", "[\\g<x>]")'))).toEqual(['a.[b]c']);
  });
  it('a bad regex is a 400-class error, not a crash', async () => {
    await expect(run("grep(a.*.*, '(')")).rejects.toThrow(/Invalid regular expression/);
  });
});

describe('argument binding (graphite-web validateParams, ENFORCE_INPUT_VALIDATION off)', () => {
  it('keyword arguments land on their parameters', async () => {
    expect(names(await run("groupByNode(a.*.*, callback='sum', nodeNum=1)"))).toEqual(['b', 'x']);
  });
  it('missing arguments: Python defaults apply, otherwise a 400-class error', async () => {
    expect(names(await run('highest(a.*.*)'))).toEqual(['a.b.d']);
    await expect(run('highestMax(a.*.*)')).rejects.toThrow(/Missing required parameter "n"/);
  });
  it('too many or unknown arguments are refused', async () => {
    await expect(run("alias(a.b.c, 'x', 'y')")).rejects.toThrow(/Too many parameters/);
    await expect(run("alias(a.b.c, nme='x')")).rejects.toThrow(/Unexpected key word arguments: nme/);
  });
  it('a float where an integer is declared passes through like graphite-web', async () => {
    expect(names(await run('dashed(a.b.c, 2.5)'))).toEqual(['dashed(a.b.c, 2.5)']);
  });
  it('a string where a number is declared is refused', async () => {
    await expect(run("limit(a.*.*, 'x')")).rejects.toThrow(/Invalid "integer" value/);
  });
});
