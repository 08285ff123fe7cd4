#!/usr/bin/env bash
# Makes sure NATS (127.0.0.1:4222, JetStream on) and Redis (127.0.0.1:6379) answer.
# Starts them from Debian's packages when they do not; installs the packages if missing.
# Idempotent: does nothing when both already listen.
set -euo pipefail

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() {
  for _ in $(seq 1 50); do listening "$1" && return 0; sleep 0.1; done
  echo "ensure-backends: nothing listens on 127.0.0.1:$1" >&2
  return 1
}

install_pkgs() {
  if command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
  fi
}

run_dir="${SIMPLE_RUN_DIR:-${TMPDIR:-/tmp}/simple-platform}"
mkdir -p "$run_dir"

if ! listening 6379; then
  command -v redis-server >/dev/null 2>&1 || install_pkgs redis-server
  echo "ensure-backends: starting redis-server on 127.0.0.1:6379 (append-only file in $run_dir/redis)"
  mkdir -p "$run_dir/redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --appendonly yes \
    --dir "$run_dir/redis" --logfile "$run_dir/redis/redis.log"
  wait_port 6379
fi

if ! listening 4222; then
  command -v nats-server >/dev/null 2>&1 || install_pkgs nats-server
  echo "ensure-backends: starting nats-server on 127.0.0.1:4222 (JetStream in $run_dir/nats)"
  mkdir -p "$run_dir/nats"
  nohup nats-server -a 127.0.0.1 -p 4222 -js -sd "$run_dir/nats" -l "$run_dir/nats/nats.log" >/dev/null 2>&1 &
  wait_port 4222
fi
echo "ensure-backends: redis 127.0.0.1:6379 and nats 127.0.0.1:4222 are up"
