// Imported first by the CLI: a small young generation and V8's size-optimised heap growth
// keep the daemon's resident size down (flushes make a lot of short-lived garbage) for a
// little more GC work. Flags given on the command line win.
import v8 from 'node:v8';

if (!process.execArgv.some((a) => a.startsWith('--max-semi-space-size'))) {
  v8.setFlagsFromString('--max-semi-space-size=2');
}
if (!process.execArgv.some((a) => a.includes('optimize-for-size'))) {
  v8.setFlagsFromString('--optimize-for-size');
}
