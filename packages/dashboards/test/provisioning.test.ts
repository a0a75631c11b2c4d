import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { generate } from '../src/generate.js';
import {
  dashboardQueries,
  dashboards,
  dashboardVariables,
  graphiteEventAnnotations,
  interpolateAll,
  provisioningFiles,
} from '../src/index.js';

const PROVISIONING = fileURLToPath(new URL('../../../grafana-provisioning/', import.meta.url));
const read = (p: string) => readFile(path.join(PROVISIONING, p), 'utf8');

type Panel = {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type: string; uid: string };
  fieldConfig?: { defaults?: { unit?: string } };
  targets?: Array<{ refId?: string; datasource?: { type: string; uid: string } }>;
};

const variants = ['graphite', 'prometheus'] as const;

describe('generated provisioning', () => {
  it('the committed files under grafana-provisioning/ are up to date', async () => {
    const stale = await generate(PROVISIONING, true);
    expect(stale, 'run: pnpm --filter @appliance/dashboards generate').toEqual([]);
  });

  it('every YAML file parses and carries apiVersion 1', async () => {
    for (const f of provisioningFiles().filter((f) => f.path.endsWith('.yaml'))) {
      expect(parse(await read(f.path)).apiVersion, f.path).toBe(1);
    }
  });

  it('datasources have pinned uids; Graphite is 1.1', async () => {
    const g = parse(await read('graphite/datasources/datasources.yaml'));
    expect(g.datasources).toEqual([
      expect.objectContaining({
        uid: 'graphite',
        type: 'graphite',
        url: 'http://graphite:8080',
        isDefault: true,
      }),
    ]);
    expect(g.datasources[0].jsonData.graphiteVersion).toBe('1.1');
    const p = parse(await read('prometheus/datasources/datasources.yaml'));
    expect(p.datasources).toEqual([
      expect.objectContaining({ uid: 'prometheus', type: 'prometheus', url: 'http://prometheus:9090' }),
    ]);
  });

  it('providers point at the directory compose mounts the dashboards into', async () => {
    for (const v of variants) {
      const doc = parse(await read(`${v}/dashboards/providers.yaml`));
      expect(doc.providers[0]).toMatchObject({ type: 'file', options: { path: '/etc/grafana/dashboards' } });
    }
  });

  it('alert rules use provisioned datasources and route to a contact point', async () => {
    for (const v of variants) {
      const doc = parse(await read(`${v}/alerting/alerting.yaml`));
      const rule = doc.groups[0].rules[0];
      expect(rule.condition).toBe('C');
      expect(rule.data[0].datasourceUid).toBe(v);
      expect(rule.data.map((d: { refId: string }) => d.refId)).toEqual(['A', 'B', 'C']);
      expect(doc.policies[0].receiver).toBe(doc.contactPoints[0].name);
      const allUids = Object.values(dashboards()[v]).map((d) => d.uid);
      expect(allUids).toContain(rule.dashboardUid);
    }
  });
});

describe('dashboards', () => {
  const all = variants.flatMap((v) =>
    Object.entries(dashboards()[v]).map(([file, doc]) => ({ v, file, doc })),
  );

  it('uids and titles are unique', () => {
    const uids = all.map((d) => d.doc.uid);
    expect(new Set(uids).size).toBe(uids.length);
    const titles = all.map((d) => d.doc.title);
    expect(new Set(titles).size).toBe(titles.length);
    expect(titles).toContain('Flask Monitoring');
    expect(titles).toContain('StatsD & Carbon internals');
  });

  it.each(all.map((d) => [`${d.v}/${d.file}`, d] as const))('%s: layout, datasources, units', (_name, d) => {
    const panels = d.doc.panels as unknown as Panel[];
    expect(panels.length).toBeGreaterThan(3);
    const ids = panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    // No two panels overlap on the 24-column grid, and none sticks out of it.
    const cells = new Set<string>();
    for (const p of panels) {
      expect(p.gridPos.x + p.gridPos.w).toBeLessThanOrEqual(24);
      for (let x = p.gridPos.x; x < p.gridPos.x + p.gridPos.w; x++) {
        for (let y = p.gridPos.y; y < p.gridPos.y + p.gridPos.h; y++) {
          const key = `${x},${y}`;
          expect(cells.has(key), `${p.title} overlaps at ${key}`).toBe(false);
          cells.add(key);
        }
      }
      expect(p.datasource?.uid, p.title).toBe(d.v);
      expect(p.fieldConfig?.defaults?.unit, `${p.title} has a unit`).toBeTruthy();
      const refIds = (p.targets ?? []).map((t) => t.refId);
      expect(new Set(refIds).size).toBe(refIds.length);
      for (const t of p.targets ?? []) expect(t.datasource?.uid ?? p.datasource?.uid).toBe(d.v);
    }
    const queries = dashboardQueries(d.doc);
    expect(queries.length).toBeGreaterThanOrEqual(panels.length);
    for (const q of queries) {
      expect(q.datasourceType).toBe(d.v);
      // Balanced parentheses and quotes: a cheap syntax check (the e2e test runs them for real).
      let depth = 0;
      for (const ch of q.query.replace(/'[^']*'|"[^"]*"/g, '')) {
        if (ch === '(') depth++;
        if (ch === ')') depth--;
        expect(depth).toBeGreaterThanOrEqual(0);
      }
      expect(depth, q.query).toBe(0);
    }
  });

  it('the Graphite RED dashboard has template variables from Graphite and event annotations', () => {
    const doc = dashboards().graphite['flask-monitoring.json'];
    const vars = dashboardVariables(doc);
    expect(vars.map((v) => v.name)).toEqual(['method', 'endpoint']);
    expect(vars.every((v) => v.datasourceType === 'graphite' && v.allValue === '*')).toBe(true);
    expect(graphiteEventAnnotations(doc)).toEqual([['deploy']]);
    const targets = dashboardQueries(doc).map((q) => interpolateAll(q.query, vars));
    expect(targets.some((t) => t.includes('stats.timers.flask.request_duration.*.*.upper_90'))).toBe(true);
    expect(targets.some((t) => t.includes('stats_counts.flask.request_total.*.*.*'))).toBe(true);
    expect(targets.every((t) => !t.includes('$'))).toBe(true);
  });

  it('the Prometheus dashboard keeps the tutorial panels and uses $app_name everywhere', () => {
    const doc = dashboards().prometheus['flask-monitoring.json'];
    const titles = (doc.panels as unknown as Panel[]).map((p) => p.title);
    expect(titles).toEqual([
      'Total Requests',
      'Requests Per Status Code',
      'Requests Average Duration',
      'Requests Count',
      'Requests Per Second',
      'Percent of 2xx Requests',
      'Percent of 5xx Requests',
      'Request Average Duration',
      'Request Duration Distribution',
    ]);
    for (const q of dashboardQueries(doc)) expect(q.query).toContain('app_name="$app_name"');
    expect(dashboardVariables(doc)[0].query).toBe('label_values(flask_info, app_name)');
  });

  it('interpolateAll substitutes bare and braced variables with the All value', () => {
    const vars = [{ dashboard: 'd', name: 'm', datasourceType: 'graphite', query: '', allValue: '*' }];
    const braced = (s: string) => `$${'{'}${s}}`;
    expect(interpolateAll(`a.$m.${braced('m')}.${braced('m:regex')}.$__interval`, vars)).toBe(
      'a.*.*.*.$__interval',
    );
  });
});
