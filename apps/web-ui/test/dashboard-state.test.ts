// Dashboard state conversion: ours round-trips, graphite-web's saved states load.
import { describe, expect, it } from 'vitest';
import type { DashboardState } from '../web/src/api.js';
import { fromState, toState } from '../web/src/dashboard-state.js';

describe('dashboard state', () => {
  it('writes graphite-web shaped graphs and reads them back', () => {
    const model = {
      name: 'ops',
      graphs: [
        { targets: ['a.b', 'sumSeries(c.*)'], title: 'Both', unit: 'ms' as const },
        { targets: ['x.y'], unit: 'auto' as const },
      ],
      extra: { refreshConfig: { enabled: false, interval: 60000 } },
    };
    const state = toState(model, { from: '-6h', until: 'now' });
    expect(state.graphs[0]).toEqual([
      'a.b,sumSeries(c.*)',
      { target: ['a.b', 'sumSeries(c.*)'], title: 'Both', unit: 'ms' },
      '/render?target=a.b&target=sumSeries%28c.*%29&from=-6h&until=now',
    ]);
    expect(state.refreshConfig).toEqual({ enabled: false, interval: 60000 });
    const back = fromState(JSON.parse(JSON.stringify(state)));
    expect(back.range).toEqual({ from: '-6h', until: 'now' });
    expect(back.model.graphs).toEqual([
      { targets: ['a.b', 'sumSeries(c.*)'], title: 'Both', unit: 'ms' },
      { targets: ['x.y'], title: undefined, unit: undefined },
    ]);
    expect(back.model.extra).toEqual({ refreshConfig: { enabled: false, interval: 60000 } });
  });

  it("reads graphite-web's relative time config, string targets and skips malformed graphs", () => {
    const state = {
      name: 'legacy',
      timeConfig: { type: 'relative', relativeStartQuantity: '3', relativeStartUnits: 'days' },
      graphs: [['id', { target: 'a.b', title: 'T' }, '/render?target=a.b'], 'junk', ['id2', null, '']],
    } as unknown as DashboardState;
    const { model, range } = fromState(state);
    expect(range).toEqual({ from: '-3d', until: 'now' });
    expect(model.graphs).toEqual([{ targets: ['a.b'], title: 'T', unit: undefined }]);
  });
});
