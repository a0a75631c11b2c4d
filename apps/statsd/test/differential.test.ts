// The main compatibility proof: the same datagrams go to Etsy statsd 0.9.0 and to ours,
// each flushing to its own fake carbon; the flushed lines must be identical, in order
// (timing self-metrics aside). One case per configuration family.

import { describe, expect, it } from 'vitest';
import { HAND_CORPUS, packLines, randomCorpus } from './helpers/corpus.js';
import { runSideBySide } from './helpers/differential.js';

const corpus = [...HAND_CORPUS, ...randomCorpus(1500, 42)];
const packets = packLines(corpus);

const histogram = [
  { metric: 'tm10', bins: [2, 5.5, 'inf'] },
  { metric: 'tmtwo', bins: [15] },
  { metric: 'tm2', bins: [] },
  { metric: '', bins: [0.01, 1, 100, 1000] },
];

const cases: [string, Record<string, unknown>, number?][] = [
  ['defaults (legacy namespace)', {}],
  [
    'non-legacy, percentile arrays incl. top and fractional, histograms',
    { graphite: { legacyNamespace: false }, percentThreshold: [90, 50, -10, 99.9, 5, 0.5, 80], histogram },
  ],
  [
    'legacy with prefixStats and globalSuffix',
    { prefixStats: 'statsprefix', graphite: { globalSuffix: 'statssuffix' } },
  ],
  [
    'non-legacy with custom and empty prefixes, suffix, prefixStats',
    {
      prefixStats: 'ps',
      graphite: {
        legacyNamespace: false,
        globalPrefix: '',
        prefixCounter: '',
        prefixTimer: 'tm',
        prefixGauge: 'gg',
        prefixSet: '',
        globalSuffix: 'sfx',
      },
    },
  ],
  [
    'non-legacy with globalPrefix and percentThreshold []',
    { graphite: { legacyNamespace: false, globalPrefix: 'app' }, percentThreshold: [] },
  ],
  [
    'calculatedTimerMetrics whitelist',
    {
      graphite: { legacyNamespace: false },
      percentThreshold: [90, 99.9, -10],
      histogram,
      calculatedTimerMetrics: ['count', 'mean_percent', 'upper_percent', 'lower_percent', 'histogram', 'std'],
    },
  ],
  ['flush_counts false, legacy', { flush_counts: false }],
  ['flush_counts false, non-legacy', { flush_counts: false, graphite: { legacyNamespace: false } }],
  ['keyNameSanitize false', { keyNameSanitize: false, graphite: { legacyNamespace: false } }],
  ['deleteIdleStats over three flushes', { deleteIdleStats: true, graphite: { legacyNamespace: false } }, 3],
  [
    'deleteIdleStats with gaugesMaxTTL 2 and deleteGauges overridden',
    { deleteIdleStats: true, gaugesMaxTTL: 2 },
    3,
  ],
  ['deleteIdleStats true but deleteGauges false', { deleteIdleStats: true, deleteGauges: false }, 2],
  ['deleteCounters and deleteSets only', { deleteCounters: true, deleteSets: true }, 2],
  [
    'deleteTimers and deleteGauges only, gaugesMaxTTL 1.5',
    { deleteTimers: true, deleteGauges: true, gaugesMaxTTL: 1.5 },
    2,
  ],
  ['reset behaviour without delete* over two flushes', { graphite: { legacyNamespace: false } }, 2],
];

describe.concurrent('differential: Etsy statsd 0.9.0 vs ours', () => {
  for (const [name, config, n] of cases) {
    it(name, { timeout: 120_000 }, async () => {
      const r = await runSideBySide(config, packets, n ?? 1);
      expect(r.etsy[0].length).toBeGreaterThan(50);
      for (let i = 0; i < r.etsy.length; i++) expect(r.ours[i], `flush ${i + 1}`).toEqual(r.etsy[i]);
      if (name.startsWith('non-legacy, percentile')) {
        // Known values (reference notes 2.3/2.4), so an empty or trivial flush cannot pass.
        expect(r.ours[0]).toEqual(
          expect.arrayContaining([
            'stats.timers.tm10.histogram.bin_5_5 4',
            'stats.timers.tm10.upper_90 9',
            'stats.timers.tm10.lower_top10 10',
            'stats.timers.tm2.upper_80 200',
            'stats.counters.third.count 3.3333333333333335',
            'stats.counters.rate2e.count 0.5',
            'stats.gauges.gz -3',
            'stats.sets.u.count 3',
            'stats.counters.dt.count;a=1;b=2 3',
          ]),
        );
      }
    });
  }

  it('gauges re-sent within their TTL survive, idle ones expire (deleteGauges, gaugesMaxTTL 2)', {
    timeout: 120_000,
  }, async () => {
    const config = { deleteIdleStats: true, gaugesMaxTTL: 2, graphite: { legacyNamespace: false } };
    const first = ['keep:1|g\ndrop:2|g\nc1:1|c\nt1:5|ms\ns1:a|s'];
    const later = [['keep:+1|g\nc2:1|c'], ['keep:+1|g\nc1:3|c\n999:1|c'], ['t1:7|ms']];
    const r = await runSideBySide(config, first, 4, later);
    for (let i = 0; i < 4; i++) expect(r.ours[i], `flush ${i + 1}`).toEqual(r.etsy[i]);
    expect(r.etsy[3].some((l) => l.startsWith('stats.gauges.drop'))).toBe(false);
  });
});
