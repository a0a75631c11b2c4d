# UDP sender for bench/statsd: offers `rate` packets/s of `per` metrics each, `total` packets.
# Python's socket.sendto loop outpaces Node's callback-based dgram on these machines.
import json, socket, sys, time

w = json.loads(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 * 1024 * 1024)
keys, per, typ = w["keys"], w["perPacket"], w["type"]
packets = []
k = 0
for _ in range(min(w["total"], 20000)):
    lines = []
    for _ in range(per):
        lines.append("b.k%d:1|%s" % (k % keys, typ))
        k += 1
    packets.append("\n".join(lines).encode())
addr = ("127.0.0.1", w["port"])
rate, total = w["rate"], w["total"]
n = len(packets)
sent = 0
t0 = time.perf_counter()
while sent < total:
    due = min(total, int((time.perf_counter() - t0) * rate)) - sent
    if due <= 0:
        time.sleep(0.0005)
        continue
    for _ in range(due):
        try:
            s.sendto(packets[sent % n], addr)
        except BlockingIOError:
            pass
        sent += 1
print(json.dumps({"sent": sent, "secs": time.perf_counter() - t0}))
