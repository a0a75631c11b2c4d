import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO } from './processes.js';

const exec = promisify(execFile);

export const COMPOSE_DIR = path.join(REPO, 'compose');
export const DOCKER_OFFLINE = path.join(REPO, '..', 'shared', 'tools', 'docker-offline.sh');

/** True when a Docker engine answers and the stand-in images exist (docker-offline.sh status). */
export async function dockerReady(): Promise<boolean> {
  try {
    if (existsSync(DOCKER_OFFLINE)) {
      await exec(DOCKER_OFFLINE, ['status'], { timeout: 30_000 });
    } else {
      await exec('docker', ['info'], { timeout: 30_000 });
    }
    await exec('docker-compose', ['version'], { timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

/** One compose project (files + env), driven through docker-compose v1 with the classic builder. */
export class ComposeProject {
  constructor(
    readonly files: string[],
    readonly env: Record<string, string>,
  ) {}

  async run(args: string[], timeoutMs = 15 * 60_000): Promise<string> {
    const fileArgs = this.files.flatMap((f) => ['-f', path.join(COMPOSE_DIR, f)]);
    try {
      const { stdout, stderr } = await exec('docker-compose', [...fileArgs, ...args], {
        cwd: COMPOSE_DIR,
        env: { ...process.env, DOCKER_BUILDKIT: '0', COMPOSE_DOCKER_CLI_BUILD: '0', ...this.env },
        timeout: timeoutMs,
        maxBuffer: 64 * 1024 * 1024,
      });
      return stdout + stderr;
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string; message: string };
      throw new Error(
        `docker-compose ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`,
      );
    }
  }

  /** Logs of the given services (for failure messages). */
  logs(services: string[]): Promise<string> {
    return this.run(['logs', '--no-color', '--tail', '50', ...services], 60_000).catch(
      (e: Error) => e.message,
    );
  }

  /** Removes the project's containers, volumes and built images. */
  down(): Promise<string> {
    return this.run(['down', '--rmi', 'local', '-v', '--remove-orphans'], 10 * 60_000);
  }
}

/** Stand-in Node image plus Node's C headers, for building native addons offline (test only). */
export const HEADERS_IMAGE = 'stacktest/node-headers:20-bookworm';

/**
 * The official node images ship Node's headers in /usr/local/include/node, which node-gyp needs to
 * compile better-sqlite3 when no prebuilt binary can be downloaded. The stand-in image
 * (local/node:20-bookworm, built from this host's Node) lacks them, and nodejs.org is not reachable
 * here, so the test adds this host's headers (same Node build) on top of it.
 */
export async function buildHeadersImage(): Promise<string> {
  const headers = '/usr/include/node';
  if (!existsSync(path.join(headers, 'node.h'))) throw new Error(`no Node headers in ${headers}`);
  const ctx = await mkdtemp(path.join(tmpdir(), 'node-headers-'));
  try {
    await cp(headers, path.join(ctx, 'node'), { recursive: true, dereference: true });
    await writeFile(
      path.join(ctx, 'Dockerfile'),
      'FROM local/node:20-bookworm\nCOPY node /usr/local/include/node\n',
    );
    await exec('docker', ['build', '-q', '-t', HEADERS_IMAGE, ctx], {
      env: { ...process.env, DOCKER_BUILDKIT: '0' },
      timeout: 10 * 60_000,
    });
  } finally {
    await rm(ctx, { recursive: true, force: true });
  }
  return HEADERS_IMAGE;
}

export async function removeImage(tag: string): Promise<void> {
  await exec('docker', ['rmi', tag], { timeout: 5 * 60_000 }).catch(() => undefined);
}

/**
 * Removes the dangling build-stage images our Dockerfiles leave (they carry the label
 * appliance.build-stage=true). Run once after all builds: they are also the layer cache.
 */
export async function pruneBuildStages(): Promise<void> {
  await exec('docker', ['image', 'prune', '-f', '--filter', 'label=appliance.build-stage=true'], {
    timeout: 5 * 60_000,
  }).catch(() => undefined);
}
