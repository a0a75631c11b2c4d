#!/usr/bin/env bash
# Installs everything the tests need that npm does not bring: the reference implementations
# (python whisper, carbon-cache, graphite-web, Prometheus), real clients (python3-statsd,
# collectd, carbon-c-relay), Chromium for the browser tests, pnpm, and (when the offline Docker
# helper is beside the repo) a local Docker engine for the compose smoke test.
# Idempotent: each step is skipped when what it installs is already there. Run as root.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_packages=(python3-whisper graphite-carbon graphite-web prometheus chromium python3-statsd collectd-core carbon-c-relay procps)
missing=()
for pkg in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-system-deps: installing ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Debian starts these as system services on install; the tests run their own copies on loopback.
for svc in carbon-cache prometheus collectd; do
  if command -v systemctl >/dev/null 2>&1; then systemctl stop "$svc" >/dev/null 2>&1 || true; fi
  pkill -x "$svc" >/dev/null 2>&1 || true
done

if ! command -v pnpm >/dev/null 2>&1; then
  echo "install-system-deps: installing pnpm"
  npm install -g pnpm@10 >/dev/null
fi

# The compose smoke test needs a Docker engine and stand-in base images (no registry here).
offline_docker=../shared/tools/docker-offline.sh
if [ "${SKIP_DOCKER:-}" != 1 ] && [ -x "$offline_docker" ]; then
  "$offline_docker" status >/dev/null 2>&1 || "$offline_docker" up
fi
echo "install-system-deps: ready"
