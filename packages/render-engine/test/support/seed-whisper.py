#!/usr/bin/python3
# Seeds a whisper tree the way carbon would have written it: series created with the docker image's
# (or Debian's) schema and the aggregation method its rules pick by name, then fed in time order, one
# update_many per hour with `now` = the end of that hour, so whisper's own propagation fills the lower
# archives. Deterministic (fixed PRNG seed, fixed END) so every run yields byte-identical files.
#
# usage: seed-whisper.py OUTDIR END_EPOCH
import math
import os
import sys

import whisper

OUT = sys.argv[1]
END = int(sys.argv[2])  # hour-aligned; the newest point is END - step
HOUR = 3600

DOCKER = [(10, 6 * 360), (60, 6 * 1440), (600, 1800 * 144)]  # 10s:6h,1m:6d,10m:1800d
DEBIAN = [(60, 1440), (300, 30 * 288), (3600, 3 * 8760)]  # 60s:1d,5m:30d,1h:3y


def docker_aggregation(name):
    """docker-graphite-statsd storage-aggregation.conf, first match wins."""
    import re

    rules = [
        (r"\.lower$", "min", 0.1),
        (r"\.upper(_\d+)?$", "max", 0.1),
        (r"\.sum$", "sum", 0),
        (r"\.count$", "sum", 0),
        (r"^stats_counts.*", "sum", 0),
        (r"^lastagg\.", "last", 0.5),
        (r".*", "average", 0.3),
    ]
    for pattern, method, xff in rules:
        if re.search(pattern, name):
            return method, xff
    raise AssertionError(name)


class Rng:
    """A tiny LCG so values do not depend on Python's random module version."""

    def __init__(self, seed):
        self.state = seed & 0xFFFFFFFF

    def next(self):
        self.state = (1103515245 * self.state + 12345) & 0x7FFFFFFF
        return self.state / 0x7FFFFFFF


def path_of(name):
    if ";" in name:
        import hashlib

        digest = hashlib.sha256(name.encode("utf8")).hexdigest()
        # carbon's default TAG_HASH_FILENAMES = True: the file is named by the full hash
        return os.path.join(OUT, "_tagged", digest[0:3], digest[3:6], digest + ".wsp")
    return os.path.join(OUT, *name.split(".")) + ".wsp"


def seed(name, archives, hours, gen, method=None, xff=None):
    """gen(ts, rng) -> value or None, called for every slot of the finest archive in time order."""
    if method is None:
        method, xff = docker_aggregation(name)
    path = path_of(name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    whisper.create(path, archives, xFilesFactor=xff, aggregationMethod=method, sparse=True)
    step = archives[0][0]
    rng = Rng(sum(ord(c) for c in name) * 7919)
    for h in range(hours, 0, -1):
        hour_end = END - (h - 1) * HOUR
        points = []
        for ts in range(hour_end - HOUR, hour_end, step):
            v = gen(ts, rng)
            if v is not None:
                points.append((ts, v))
        if points:
            whisper.update_many(path, points, now=hour_end)


def wave(period, amp, base=0.0, noise=0.0):
    def gen(ts, rng):
        return base + amp * math.sin(2 * math.pi * ts / period) + noise * (rng.next() - 0.5)

    return gen


def with_gaps(gen, every, length):
    """Null runs of `length` slots starting every `every` slots (in step units of 10 s)."""

    def g(ts, rng):
        v = gen(ts, rng)
        if (ts // 10) % every < length:
            return None
        return v

    return g


def counter(rate, reset_every, wrap=None):
    state = {"v": 0.0, "last": None}

    def gen(ts, rng):
        state["v"] += rate * (0.5 + rng.next())
        if reset_every and (ts // 10) % reset_every == 0:
            state["v"] = rng.next() * rate
        if wrap is not None and state["v"] >= wrap:
            state["v"] -= wrap
        return float(int(state["v"]))

    return gen


def spiky(ts, rng):
    r = rng.next()
    if r < 0.02:
        return 5000.0 + 1000 * rng.next()
    if r < 0.3:
        return 0.0
    return round(10 * rng.next(), 3)


def extremes(ts, rng):
    k = (ts // 10) % 9
    return [1e300, -1e300, 1e-300, 1.5e15, -2.5e-7, 0.0, 123456789.123, -1.0, 7.0][k] * (1 + rng.next())


def sparse(ts, rng):
    return rng.next() * 100 if rng.next() < 0.15 else None


def negative(ts, rng):
    return -50 + 30 * math.cos(2 * math.pi * ts / 7200) + rng.next()


def integers(ts, rng):
    return float(int(rng.next() * 20))


DAYS8 = 8 * 24
seed("stats.gauges.app.temperature", DOCKER, DAYS8, wave(86400, 10, 20, 2))
seed("stats.gauges.app.queue", DOCKER, DAYS8, with_gaps(spiky, 97, 5))
seed("stats.gauges.app.negative", DOCKER, DAYS8, negative)
seed("stats.app.requests", DOCKER, DAYS8, with_gaps(wave(3600, 40, 100, 10), 1013, 31))
seed("stats_counts.app.requests", DOCKER, DAYS8, with_gaps(wave(3600, 400, 1000, 100), 1013, 31))
seed("stats.timers.api.latency.upper", DOCKER, DAYS8, wave(5400, 30, 80, 40))
seed("stats.timers.api.latency.lower", DOCKER, DAYS8, wave(5400, 2, 3, 1))
seed("stats.timers.api.latency.mean", DOCKER, DAYS8, wave(5400, 10, 30, 5))
seed("stats.timers.api.latency.count", DOCKER, DAYS8, integers)
seed("counters.app.bytes", DOCKER, DAYS8, counter(1000, 4001))
seed("counters.router.if_octets", DOCKER, DAYS8, counter(3e6, 0, wrap=2**32))
seed("misc.extremes", DOCKER, DAYS8, extremes)
seed("misc.sparse", DOCKER, DAYS8, sparse)
seed("lastagg.app.version", DOCKER, DAYS8, integers)
seed("debian.load.shortterm", DEBIAN, DAYS8, wave(43200, 1.5, 2, 0.5), "average", 0.5)
seed("debian.load.midterm", DEBIAN, DAYS8, with_gaps(wave(43200, 1, 2, 0.2), 53, 7), "average", 0.5)

# Small families for grouping/alias functions (1 day of 10 s data).
for host in ("a", "b", "c"):
    for dev in ("disk", "net"):
        for op in ("read", "write"):
            k = ord(host) * 3 + len(dev) + len(op)
            seed(f"hosts.{host}.{dev}.{op}", DOCKER, 26, wave(1800 + 60 * k, 5 + k % 7, 10 + k, 3))

# A 200-series glob family on Debian's schema (1 day + 2 h of 60 s data), some with gaps.
for i in range(1, 201):
    gen = wave(3600 * (1 + i % 5), i % 17 + 1, i, 2)
    if i % 10 == 0:
        gen = with_gaps(gen, 37, 11)
    seed(f"servers.web{i:03d}.cpu.user", DEBIAN, 26, gen, "average", 0.5)

# Tagged series (carbon's _tagged layout); graphite-web learns them through /tags/tagMultiSeries.
TAGGED = [
    "disk.used;datacenter=dc1;rack=a1;server=web01",
    "disk.used;datacenter=dc1;rack=a2;server=web02",
    "disk.used;datacenter=dc2;rack=b1;server=web03",
    "cpu.load;datacenter=dc1;server=web01",
    "cpu.load;datacenter=dc2;server=web03",
]
for n, name in enumerate(TAGGED):
    seed(name, DOCKER, 26, wave(7200, 10 + n, 50 + 5 * n, 4), "average", 0.3)
with open(os.path.join(OUT, "tagged.txt"), "w") as f:
    f.write("\n".join(TAGGED) + "\n")
