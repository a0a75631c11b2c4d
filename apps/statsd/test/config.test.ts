import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfigText, parseJsLiteralConfig } from '../src/config-file.js';
import { resolveSettings } from '../src/settings.js';

describe('Etsy config files', () => {
  it('parses exampleConfig.js-style literals without evaluating them', () => {
    const c = parseJsLiteralConfig(`{
      graphitePort: 2003, graphiteHost: "graphite.example.com", 'port': 8125,
      backends: [ "./backends/graphite", ], percentThreshold: [ 90, -10, +95 ],
      histogram: [ { metric: 'foo', bins: [ 10, 0.5, 'inf' ] } ],
      graphite: { legacyNamespace: false, globalSuffix: \`sfx\` }, nothing: null, off: false,
      __proto__: { polluted: true }
    };`);
    expect(c.graphiteHost).toBe('graphite.example.com');
    expect(c.percentThreshold).toEqual([90, -10, 95]);
    expect(c.histogram).toEqual([{ metric: 'foo', bins: [10, 0.5, 'inf'] }]);
    expect(c.graphite).toEqual({ legacyNamespace: false, globalSuffix: 'sfx' });
    expect(Object.getPrototypeOf(c)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    "{ a: require('fs') }",
    '{ a: process.env.HOME }',
    '{ a: 1 + 2 }',
    `{ a: \`x$${'{'}1}\` }`,
    '{ a: /re/ }',
    '{ get a() { return 1 } }',
    '{ ...x }',
    '{ a: 1 }; process.exit(1)',
    '{ a: (() => 1)() }',
  ])('rejects %s', (text) => {
    expect(() => parseJsLiteralConfig(text)).toThrow(ConfigError);
  });

  it('reads JSON and YAML', () => {
    expect(parseConfigText('{"port": 9}', 'c.json')).toEqual({ port: 9 });
    expect(parseConfigText('port: 9\ngraphite:\n  legacyNamespace: false\n', 'c.yaml')).toEqual({
      port: 9,
      graphite: { legacyNamespace: false },
    });
    expect(parseConfigText('port: 9\n', 'noext')).toEqual({ port: 9 });
  });

  it("applies Etsy's defaults and coercions", () => {
    const s = resolveSettings({
      deleteIdleStats: true,
      deleteGauges: false,
      gaugesMaxTTL: 2.5,
      percentThreshold: 95,
    });
    expect(s.deleteCounters).toBe(true);
    expect(s.deleteGauges).toBe(false);
    expect(s.gaugesMaxTTL).toBe(1);
    expect(s.percentThreshold).toEqual([95]);
    expect(s.flushInterval).toBe(10000);
    expect(s.graphite?.host).toBeUndefined();
    expect(resolveSettings({ backends: [] }).graphite).toBeUndefined();
    expect(resolveSettings({ graphiteProtocol: 'pickle' }).graphite?.port).toBe(2004);
    expect(resolveSettings({ mode: 'exporter' }).servers.map((x) => `${x.type}:${x.port}`)).toEqual([
      'udp:9125',
      'tcp:9125',
    ]);
  });
});
