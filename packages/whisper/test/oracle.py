# Long-lived python whisper oracle for the differential tests: one JSON command per stdin line,
# one JSON reply per stdout line. Floats cross the pipe as the hex of their IEEE bits (exact,
# NaN/inf safe) and come back with their repr (so the TS side also checks its repr emulation).
import json
import struct
import sys

import whisper


def f_in(h):
    return struct.unpack('!d', bytes.fromhex(h))[0]


def f_out(v):
    if v is None:
        return None
    return [struct.pack('!d', v).hex(), repr(v)]


def run(cmd):
    op = cmd['op']
    if op == 'create':
        whisper.create(cmd['path'], [tuple(a) for a in cmd['archives']], cmd.get('xff'), cmd.get('method'),
                       cmd.get('sparse', False))
        return None
    if op == 'update':
        whisper.update(cmd['path'], f_in(cmd['value']), cmd.get('ts'), cmd.get('now'))
        return None
    if op == 'update_many':
        whisper.update_many(cmd['path'], [(t, f_in(v)) for t, v in cmd['points']], cmd.get('now'))
        return None
    if op == 'fetch':
        r = whisper.fetch(cmd['path'], cmd['from'], cmd.get('until'), cmd.get('now'), cmd.get('select'))
        if r is None:
            return None
        (a, b, s), vals = r
        return [a, b, s, [f_out(v) for v in vals]]
    if op == 'info':
        i = whisper.info(cmd['path'])
        i['xFilesFactor'] = repr(i['xFilesFactor'])
        return i
    if op == 'set_agg':
        return whisper.setAggregationMethod(cmd['path'], cmd['method'], cmd.get('xff'))
    if op == 'set_xff':
        return repr(whisper.setXFilesFactor(cmd['path'], cmd['xff']))
    if op == 'merge':
        whisper.merge(cmd['from'], cmd['to'], cmd.get('time_from'), cmd.get('time_to'), cmd.get('now'))
        return None
    if op == 'diff':
        res = whisper.diff(cmd['a'], cmd['b'], cmd.get('ignore_empty', False), cmd.get('until'), cmd.get('now'))
        return [[i, [[t, f_out(x), f_out(y)] for t, x, y in d], n] for i, d, n in res]
    if op == 'parse_retention':
        return list(whisper.parseRetentionDef(cmd['def']))
    if op == 'validate':
        whisper.validateArchiveList([tuple(a) for a in cmd['archives']])
        return None
    raise ValueError('unknown op ' + op)


for line in sys.stdin:
    cmd = json.loads(line)
    try:
        out = {'ok': True, 'result': run(cmd)}
    except Exception as e:  # the error class and message are part of the comparison
        out = {'ok': False, 'type': type(e).__name__, 'message': str(e)}
    sys.stdout.write(json.dumps(out) + '\n')
    sys.stdout.flush()
