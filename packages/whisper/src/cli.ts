#!/usr/bin/env node
import { writeSync } from 'node:fs';
import { runCli } from './cli-main.js';

/** Synchronous writes (output order = python's); a closed pipe ends us quietly like SIGPIPE. */
function writer(fd: number) {
  return (s: string): void => {
    try {
      let buf = Buffer.from(s);
      while (buf.length > 0) {
        const n = writeSync(fd, buf);
        buf = buf.subarray(n);
      }
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') process.exit(0);
      if (code === 'EAGAIN') {
        writer(fd)(s);
        return;
      }
      throw e;
    }
  };
}

const code = await runCli(process.argv.slice(2), {
  out: writer(1),
  err: writer(2),
  now: () => Math.floor(Date.now() / 1000),
});
process.exitCode = code;
