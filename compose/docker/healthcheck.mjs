// Container healthcheck with nothing but node (the images have no curl):
//   node healthcheck.mjs http://127.0.0.1:8080/health      -> exit 0 on HTTP 2xx
//   node healthcheck.mjs tcp://127.0.0.1:8126 health up    -> send "health\n", expect "up" in the reply
import net from 'node:net';

const [target, command = '', expect = ''] = process.argv.slice(2);
const fail = (why) => {
  process.stderr.write(`unhealthy: ${why}\n`);
  process.exit(1);
};
setTimeout(() => fail('timeout'), 4000).unref();

if (!target) fail('usage: healthcheck.mjs URL [command expect]');
const url = new URL(target);
if (url.protocol === 'tcp:') {
  const socket = net.connect(Number(url.port), url.hostname, () => socket.write(`${command}\n`));
  let reply = '';
  socket.on('data', (chunk) => {
    reply += chunk;
    if (reply.includes(expect)) {
      socket.destroy();
      process.exit(0);
    }
  });
  socket.on('error', (err) => fail(err.message));
  socket.on('close', () => fail(`reply without "${expect}": ${reply.trim()}`));
} else {
  fetch(url, { signal: AbortSignal.timeout(3000) }).then(
    (res) => (res.ok ? process.exit(0) : fail(`HTTP ${res.status}`)),
    (err) => fail(err.message),
  );
}
