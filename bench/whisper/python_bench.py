# python whisper side of bench/whisper/run.mjs: the same workloads, timed in-process.
# argv[1] is a JSON job; prints one JSON line of results (seconds).
import json
import os
import sys
import time

import whisper

job = json.loads(sys.argv[1])
now = job['now']
d = job['dir']
out = {}


def schema(s):
    return [whisper.parseRetentionDef(x) for x in s.split(',')]


if job['kind'] == 'many':
    n = job['files']
    paths = [os.path.join(d, 'py%d.wsp' % i) for i in range(n)]
    for p in paths:
        whisper.create(p, schema(job['schema']), sparse=True)
    for rnd in range(job['rounds']):
        t_now = now + rnd * 600
        pts = [(t_now - 600 + 10 * k, float(k % 17)) for k in range(60)]
        t0 = time.perf_counter()
        for p in paths:
            whisper.update_many(p, pts, t_now)
        out['round%d' % rnd] = time.perf_counter() - t0
    # fetch throughput over the same files
    t_now = now + (job['rounds'] - 1) * 600
    m = job['fetches']
    t0 = time.perf_counter()
    for i in range(m):
        whisper.fetch(paths[i % n], t_now - job['fetchSpan'], t_now, t_now)
    out['fetch'] = time.perf_counter() - t0
elif job['kind'] == 'big':
    p = os.path.join(d, 'py-big.wsp')
    whisper.create(p, schema(job['schema']), sparse=True)
    k = job['points']
    pts = [(now - k + i, float(i % 100)) for i in range(k)]
    t0 = time.perf_counter()
    whisper.update_many(p, pts, now)
    out['big'] = time.perf_counter() - t0
print(json.dumps(out))
