// Worker half of the shim's synchronous HTTP: performs the fetch, posts the result on the given
// port, then wakes the blocked main thread through the shared Int32Array.
import { parentPort } from 'node:worker_threads';

parentPort.on('message', async ({ url, method, redirects, timeoutMs, port, signal }) => {
  const started = performance.now();
  let result;
  try {
    const res = await fetch(url, {
      method,
      redirect: redirects === 0 ? 'manual' : 'follow',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = await res.text();
    result = { status: res.status, body, headers: Object.fromEntries(res.headers), error: '' };
  } catch (err) {
    result = { status: 0, body: '', headers: {}, error: String(err) };
  }
  result.duration = performance.now() - started;
  port.postMessage(result);
  port.close();
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
});
