// The tags and events HTTP APIs, differential against the real graphite-web (Debian 1.1.8):
// identical requests in identical order to both, bodies and statuses compared.

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphiteServer } from '../src/index.js';
import { type GraphiteWeb, startGraphiteWeb, startTestGraphite } from './helpers/refs.js';

let dir: string;
let ours: GraphiteServer;
let gw: GraphiteWeb;
let oursUrl: string;

async function both(urlPath: string, init?: RequestInit) {
  const a = await fetch(gw.url + urlPath, init);
  const b = await fetch(oursUrl + urlPath, init);
  return {
    theirs: { status: a.status, body: await a.text() },
    mine: { status: b.status, body: await b.text() },
  };
}

async function same(urlPath: string, init?: RequestInit) {
  const { theirs, mine } = await both(urlPath, init);
  expect({ urlPath, ...mine }).toEqual({ urlPath, ...theirs });
  return theirs;
}

const form = (body: string): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body,
});

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'graphite-tags-diff-'));
  const root = path.join(dir, 'whisper');
  mkdirSync(root, { recursive: true });
  [ours, gw] = await Promise.all([
    startTestGraphite({ storageDir: root, dbPath: path.join(dir, 'ours.db'), httpPort: 0 }),
    startGraphiteWeb(path.join(dir, 'gw'), root),
  ]);
  oursUrl = `http://127.0.0.1:${ours.httpPort}`;
}, 120_000);

afterAll(async () => {
  await Promise.all([ours?.close(), gw?.stop()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('tags', () => {
  it('registers series (tagSeries, tagMultiSeries urlencoded and multipart)', async () => {
    await same('/tags/tagSeries', form('path=disk.used;server=web01;datacenter=dc1;rack=a1'));
    await same(
      '/tags/tagMultiSeries',
      form(
        [
          'path=disk.used;server=web02;datacenter=dc1;rack=a2',
          'path=disk.used;server=web03;datacenter=dc2',
          'path=cpu.load;server=web01;datacenter=dc1',
          'path=cpu.load;server=db01;datacenter=dc2;role=db',
          'path=disk.used;datacenter=dc1;rack=a1;server=web01',
        ].join('&'),
      ),
    );
    // carbon posts multipart form data
    const fd = new FormData();
    fd.append('path', 'net.rx;iface=eth0;server=web01');
    fd.append('path', 'net.rx{iface="eth1",server="web01"}');
    await same('/tags/tagMultiSeries', { method: 'POST', body: fd });
    await same('/tags/tagMultiSeries', form('path[]=mem.free;server=web09&path[]=mem.free;server=web08'));
  });

  it('rejects bad registrations like graphite-web', async () => {
    await same('/tags/tagSeries', form(''));
    await same('/tags/tagMultiSeries', form(''));
    await same('/tags/tagSeries');
  });

  const gets = [
    '/tags',
    '/tags?filter=d',
    '/tags?filter=^s',
    '/tags?limit=2',
    '/tags/datacenter',
    '/tags/server?filter=web',
    '/tags/server?limit=2',
    '/tags/nosuchtag',
    '/tags/findSeries?expr=name=disk.used',
    '/tags/findSeries?expr=datacenter=dc1',
    '/tags/findSeries?expr=datacenter!=dc1&expr=name=~disk',
    '/tags/findSeries?expr=name=disk.used&expr=rack=',
    '/tags/findSeries?expr=name=disk.used&expr=rack!=',
    '/tags/findSeries?expr=server=~web0[12]',
    '/tags/findSeries?expr=server!=~web0&expr=datacenter=~dc',
    '/tags/findSeries?expr=server=~.*1$',
    '/tags/findSeries?expr[]=role=db',
    '/tags/findSeries?expr=rack=',
    '/tags/findSeries',
    '/tags/autoComplete/tags',
    '/tags/autoComplete/tags?tagPrefix=r',
    '/tags/autoComplete/tags?expr=name=disk.used',
    '/tags/autoComplete/tags?expr=datacenter=dc2&tagPrefix=r',
    '/tags/autoComplete/tags?limit=2',
    '/tags/autoComplete/values?tag=server',
    '/tags/autoComplete/values?tag=server&valuePrefix=web0',
    '/tags/autoComplete/values?tag=server&expr=datacenter=dc2',
    '/tags/autoComplete/values?tag=rack&expr=name=disk.used',
    '/tags/autoComplete/values?tag=server&limit=3',
    '/tags/autoComplete/values',
    '/tags?pretty=1',
  ];
  for (const g of gets) it(`GET ${g}`, async () => void (await same(g)));

  it('wrong methods answer 405', async () => {
    const a = await both('/tags/tagSeries?path=x;a=b');
    expect(a.mine.status).toBe(405);
    expect(a.mine.status).toBe(a.theirs.status);
    const b = await both('/tags', form('x=1'));
    expect(b.mine.status).toBe(b.theirs.status);
  });

  it('delSeries', async () => {
    await same('/tags/delSeries', form('path=disk.used;server=web03;datacenter=dc2'));
    await same('/tags/findSeries?expr=name=disk.used');
    await same('/tags/delSeries', form(''));
    await same('/tags/autoComplete/values?tag=server&expr=name=disk.used');
  });
});

describe('events', () => {
  const json = (body: unknown): RequestInit => ({
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const T = 1700000000;

  it('posts events', async () => {
    await same('/events/', json({ what: 'deploy api', tags: ['deploy', 'api'], when: T, data: 'v1.2' }));
    await same('/events/', json({ what: 'deploy web', tags: 'deploy web', when: T + 60, data: 'v2' }));
    await same('/events/', json({ what: 'outage', tags: ['incident'], when: T + 120 }));
    await same('/events/', json({ what: 'untagged', when: T + 180, data: 'x' }));
    await same('/events/', json({ what: 'bad tags', tags: 5, when: T }));
  });

  const queries = [
    `/events/get_data?from=${T - 10}&until=${T + 1000}`,
    `/events/get_data?from=${T}&until=${T + 60}`,
    `/events/get_data?from=${T - 10}&until=${T + 1000}&tags=deploy`,
    `/events/get_data?from=${T - 10}&until=${T + 1000}&tags=deploy%20api`,
    `/events/get_data?from=${T - 10}&until=${T + 1000}&tags=deploy%20api&set=intersection`,
    `/events/get_data?from=${T - 10}&until=${T + 1000}&tags=api%20web&set=union`,
    `/events/get_data?from=${T - 10}&until=${T + 1000}&tags=nomatch`,
    `/events/get_data?from=${T - 10}&until=${T + 1000}&jsonp=cb`,
    '/events/get_data',
  ];
  for (const q of queries) it(`GET ${q}`, async () => void (await same(q)));

  it('event detail as JSON', async () => {
    const init = { headers: { accept: 'application/json' } };
    const { theirs, mine } = await both('/events/1/', init);
    expect(mine.status).toBe(theirs.status);
    expect(JSON.parse(mine.body)).toEqual(JSON.parse(theirs.body));
    const missing = await both('/events/999/', init);
    expect(missing.mine.status).toBe(missing.theirs.status);
  });
});

it('/version is a semver string like graphite-web answers', async () => {
  const { theirs, mine } = await both('/version');
  expect(theirs.body).toMatch(/^\d+\.\d+\.\d+\n$/);
  expect(mine.body).toMatch(/^\d+\.\d+\.\d+\n$/);
});

it('tagged series written through the line protocol are found, indexed and rendered', async () => {
  const now = Math.floor(Date.now() / 1000);
  const { sendTcp } = await import('./helpers/refs.js');
  const g = await startTestGraphite({
    storageDir: path.join(dir, 'tagged-whisper'),
    dbPath: path.join(dir, 'tagged.db'),
    linePort: 0,
    httpPort: 0,
  });
  try {
    await sendTcp(
      g.linePort!,
      `temp;room=kitchen;floor=1 21.5 ${now}\ntemp{room="hall",floor="2"} 19 ${now}\n`,
    );
    const url = `http://127.0.0.1:${g.httpPort}`;
    const series = await (await fetch(`${url}/tags/findSeries?expr=name=temp`)).json();
    expect(series).toEqual(['temp;floor=1;room=kitchen', 'temp;floor=2;room=hall']);
    const render = async (target: string) =>
      (await (
        await fetch(`${url}/render?target=${encodeURIComponent(target)}&from=-1min&format=json`)
      ).json()) as Array<{
        target: string;
        datapoints: Array<[number | null, number]>;
      }>;
    const byTag = await render("seriesByTag('name=temp','floor=1')");
    expect(byTag.map((s) => s.target)).toEqual(['temp;floor=1;room=kitchen']);
    expect(byTag[0].datapoints.some(([v]) => v === 21.5)).toBe(true);
    const plain = await render('temp;room=hall;floor=2');
    expect(plain.map((s) => s.target)).toEqual(['temp;floor=2;room=hall']);
    expect(plain[0].datapoints.some(([v]) => v === 19)).toBe(true);
  } finally {
    await g.close();
  }
});
