#!/bin/sh
# Build stage helper for apps/*/Dockerfile: compiles one workspace app with its workspace
# dependencies, then `pnpm deploy`s it with production dependencies only into /out.
# Usage: build-app.sh @appliance/<app>
set -eu
pkg="$1"
cd /repo

pnpm install --frozen-lockfile --ignore-scripts --filter "$pkg..." --filter observability-appliance
pnpm --filter "$pkg..." run build
# dist/ is git-ignored; without this the deploy's file list would leave the compiled code out.
rm -f .gitignore
# --ignore-scripts: the root `prepare` script would build the whole workspace.
pnpm --filter "$pkg" deploy --prod --legacy --ignore-scripts /out

# Native addons: build them now, with the image's own headers (no download from nodejs.org).
prefix="$(dirname "$(dirname "$(command -v node)")")"
if [ -f "$prefix/include/node/node.h" ]; then export npm_config_nodedir="$prefix"; fi
for addon in /out/node_modules/.pnpm/better-sqlite3@*/node_modules/better-sqlite3; do
  if [ -d "$addon" ]; then (cd "$addon" && npm run install); fi
done
# whisper's posix_fadvise addon (graphite's): fail the build if it does not load, rather than
# run the daemon without its readahead advice
whisper=/out/node_modules/@appliance/whisper
if [ -f "$whisper/binding.gyp" ]; then
  (cd "$whisper" && npm run install && node -e "require('./build/Release/fadvise.node')")
fi
rm -rf /out/src /out/test /out/Dockerfile /out/tsconfig*.json /out/vitest.config.ts
cp /repo/compose/docker/healthcheck.mjs /out/healthcheck.mjs
