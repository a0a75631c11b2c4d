// Seeded series the case tables use (see test/support/seed-whisper.py for their shapes).

/** Smooth daily wave with noise (average, xff 0.3). */
export const TEMP = 'stats.gauges.app.temperature';
/** Zeros, small values and rare big spikes, with regular null gaps. */
export const QUEUE = 'stats.gauges.app.queue';
/** Always negative. */
export const NEG = 'stats.gauges.app.negative';
/** A rate with long gaps. */
export const REQS = 'stats.app.requests';
/** A counter with periodic resets. */
export const BYTES = 'counters.app.bytes';
/** A 32-bit counter that wraps. */
export const OCTETS = 'counters.router.if_octets';
/** 1e300, -1e300, 1e-300, 1.5e15, tiny negatives, zeros... */
export const EXTREMES = 'misc.extremes';
/** Mostly null (15% of points present). */
export const SPARSE = 'misc.sparse';
/** Debian schema: 60 s step. */
export const LOAD = 'debian.load.shortterm';
/** 60 s step with gaps. */
export const LOAD_GAPS = 'debian.load.midterm';
/** 12 series hosts.{a,b,c}.{disk,net}.{read,write}. */
export const HOSTS = 'hosts.*.*.*';
/** 200 series servers.webNNN.cpu.user (60 s step). */
export const SERVERS = 'servers.*.cpu.user';
/** The timer family (upper=max, lower=min, count=sum aggregation). */
export const TIMERS = 'stats.timers.api.latency.*';
/** The fixed `now` of the seeded tree, for absolute-time arguments. */
export const NOW = 1767225600;
