#!/usr/bin/env bash
# docker-setup.sh makes sure a Docker daemon is running on this machine, for
# kbench's Docker runtime and its tests (KBENCH_DOCKER_TESTS=1).
#
#   - Docker already answers (`docker info`): nothing to do, exit 0 at once.
#   - dockerd missing: install Debian's docker.io with apt-get (needs root).
#   - dockerd not running: start it with systemctl where systemd runs,
#     otherwise in the background with its log in $DOCKERD_LOG
#     (default /var/log/kbench-dockerd.log); then wait for `docker info`.
#
# It is idempotent and safe to call from CI on every run. It never stops or
# reconfigures a daemon that already runs.
set -euo pipefail

log=${DOCKERD_LOG:-/var/log/kbench-dockerd.log}
wait_secs=${DOCKERD_WAIT:-60}

if docker info >/dev/null 2>&1; then
  echo "docker-setup: Docker is running ($(docker version --format '{{.Server.Version}}' 2>/dev/null))"
  exit 0
fi

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "docker-setup: need root to run: $*" >&2; exit 1
  fi
}

if ! command -v dockerd >/dev/null; then
  if ! command -v apt-get >/dev/null; then
    echo "docker-setup: dockerd is not installed and apt-get is missing: install Docker yourself" >&2
    exit 1
  fi
  echo "docker-setup: installing docker.io with apt-get"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null
fi

if [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then
  echo "docker-setup: starting docker with systemctl"
  as_root systemctl start docker
elif pgrep -x dockerd >/dev/null; then
  echo "docker-setup: dockerd is already starting; waiting"
else
  echo "docker-setup: starting dockerd in the background (log: $log)"
  as_root sh -c "nohup dockerd >>'$log' 2>&1 </dev/null &"
fi

for _ in $(seq "$wait_secs"); do
  if docker info >/dev/null 2>&1; then
    echo "docker-setup: Docker is running ($(docker version --format '{{.Server.Version}}' 2>/dev/null))"
    exit 0
  fi
  sleep 1
done
echo "docker-setup: Docker did not answer within ${wait_secs}s; end of $log:" >&2
tail -n 30 "$log" >&2 2>/dev/null || true
exit 1
