#!/usr/bin/env bash
# A local ClickHouse cluster for tests, benchmarks and newcomers: N clickhouse-server processes on
# 127.0.0.1, each with its own folder and ports, all knowing one another as the cluster `stint`.
#
#   scripts/clickhouse-cluster.sh start            # 2 shards in ./.stint-cluster; last line the store URL
#   scripts/clickhouse-cluster.sh status           # exit 0 all up, 1 some down, 2 no cluster
#   scripts/clickhouse-cluster.sh stop --shard 2   # one shard down (data kept); `start` brings it back
#   scripts/clickhouse-cluster.sh stop --purge     # all down, folder deleted
#
# Ports are picked once, when the cluster is made, and kept in DIR/cluster.env: every node's
# remote_servers names the others' TCP ports, so a restarted shard must come back on the same ones.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: scripts/clickhouse-cluster.sh COMMAND [options]

Commands:
  start    make the cluster (first time) or start the shards that are down; prints the store URL last
  stop     stop the shards (SIGTERM, SIGKILL after 30 s); data is kept unless --purge
  status   one line per shard, then the URL; exit 0 all up, 1 any down, 2 no cluster in DIR
  clean    same as stop --purge

Options:
  --dir DIR      cluster folder (default .stint-cluster, relative to the current directory)
  --shards N     number of shards when the cluster is made (default 2)
  --shard K      start or stop only shard K
  --pin          run shard k on CPU core (k-1) mod nproc (taskset); kept for later restarts
  --purge        with stop: also delete DIR
  -h, --help     this text

Needs clickhouse-server (apt-get install clickhouse-server; CLICKHOUSE_SERVER=PATH picks
another binary), curl and node.
EOF
}

die() {
  echo "clickhouse-cluster: $*" >&2
  exit 1
}

# --- arguments ---------------------------------------------------------------------------------

[[ $# -eq 0 ]] && { usage; exit 0; }
command="$1"
shift
case "$command" in
  start | stop | status | clean) ;;
  -h | --help | help) usage; exit 0 ;;
  *) die "unknown command '$command' (expected start, stop, status or clean; see --help)" ;;
esac

dir=.stint-cluster
shards=""
only_shard=""
pin=0
purge=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --dir) [[ $# -ge 2 ]] || die "--dir needs a folder"; dir="$2"; shift 2 ;;
    --dir=*) dir="${1#--dir=}"; shift ;;
    --shards) [[ $# -ge 2 ]] || die "--shards needs a number"; shards="$2"; shift 2 ;;
    --shards=*) shards="${1#--shards=}"; shift ;;
    --shard) [[ $# -ge 2 ]] || die "--shard needs a number"; only_shard="$2"; shift 2 ;;
    --shard=*) only_shard="${1#--shard=}"; shift ;;
    --pin) pin=1; shift ;;
    --purge) purge=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown option '$1' for $command (see --help)" ;;
  esac
done
[[ "$command" == clean ]] && { command=stop; purge=1; }
[[ -z "$shards" || "$shards" =~ ^[1-9][0-9]*$ ]] || die "--shards must be a whole number of at least 1, not '$shards'"
[[ -z "$only_shard" || "$only_shard" =~ ^[1-9][0-9]*$ ]] || die "--shard must be a shard number (1, 2, ...), not '$only_shard'"

# The server resolves paths in its config from its own working folder, so every path is absolute.
mkdir_abs() { mkdir -p "$1" && (cd "$1" && pwd); }
if [[ -d "$dir" ]]; then dir="$(cd "$dir" && pwd)"; fi
env_file() { echo "$dir/cluster.env"; }

# --- the recorded cluster ----------------------------------------------------------------------

have_cluster() { [[ -f "$(env_file)" ]]; }

load_cluster() {
  # cluster.env is written by this script only: SHARDS, PIN, and HTTP_k / TCP_k / INTERSERVER_k.
  # shellcheck disable=SC1090
  source "$(env_file)"
  if [[ -n "$shards" && "$shards" != "$SHARDS" ]]; then
    die "the cluster in $dir has $SHARDS shards, not $shards; run 'stop --purge --dir $dir' to make a new one"
  fi
  if [[ -n "$only_shard" && "$only_shard" -gt "$SHARDS" ]]; then
    die "the cluster in $dir has $SHARDS shards; there is no shard $only_shard"
  fi
}

port_of() { local name="$1_$2"; echo "${!name}"; }
shard_dir() { echo "$dir/shard-$1"; }

store_url() {
  local k list=""
  for ((k = 1; k <= SHARDS; k++)); do
    list+="${list:+,}127.0.0.1:$(port_of HTTP "$k")"
  done
  echo "clickhouse://127.0.0.1:$(port_of HTTP 1)/stint?shards=$list"
}

# The pid of shard k's server when it runs; a pid file left by a crash, or a pid the system has
# since given to another program, counts as down.
running_pid() {
  local pid_file pid
  pid_file="$(shard_dir "$1")/pid"
  [[ -f "$pid_file" ]] || return 1
  pid="$(<"$pid_file")"
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "--config-file=$(shard_dir "$1")/config.xml" || return 1
  echo "$pid"
}

selected_shards() {
  if [[ -n "$only_shard" ]]; then echo "$only_shard"; else seq 1 "$SHARDS"; fi
}

# --- making the cluster ------------------------------------------------------------------------

# Asks the kernel for free ports, all held open at once so that none is handed out twice.
free_ports() {
  node -e '
    const net = require("node:net");
    const n = Number(process.argv[1]);
    const servers = Array.from({ length: n }, () => net.createServer());
    Promise.all(servers.map((s) => new Promise((ok, fail) => {
      s.once("error", fail);
      s.listen(0, "127.0.0.1", () => ok(s.address().port));
    }))).then((ports) => {
      console.log(ports.join(" "));
      servers.forEach((s) => s.close());
    });
  ' "$1"
}

write_configs() {
  local k="$1" here remote="" j
  here="$(shard_dir "$k")"
  for ((j = 1; j <= SHARDS; j++)); do
    remote+="
      <shard><internal_replication>false</internal_replication>
        <replica><host>127.0.0.1</host><port>$(port_of TCP "$j")</port></replica></shard>"
  done
  mkdir -p "$here/data" "$here/tmp" "$here/user_files" "$here/format_schemas"
  cat >"$here/config.xml" <<EOF
<?xml version="1.0"?>
<!-- Written by scripts/clickhouse-cluster.sh: shard $k of the local cluster in $dir. -->
<yandex>
  <logger><level>warning</level><log>$here/server.log</log><errorlog>$here/error.log</errorlog></logger>
  <http_port>$(port_of HTTP "$k")</http_port>
  <tcp_port>$(port_of TCP "$k")</tcp_port>
  <interserver_http_port>$(port_of INTERSERVER "$k")</interserver_http_port>
  <listen_host>127.0.0.1</listen_host>
  <path>$here/data/</path><tmp_path>$here/tmp/</tmp_path>
  <user_files_path>$here/user_files/</user_files_path><format_schema_path>$here/format_schemas/</format_schema_path>
  <mark_cache_size>5368709</mark_cache_size>
  <users_config>$here/users.xml</users_config>
  <default_profile>default</default_profile><default_database>default</default_database>
  <timezone>UTC</timezone>
  <remote_servers>
    <stint>$remote
    </stint>
  </remote_servers>
  <macros><shard>$k</shard><replica>127.0.0.1</replica></macros>
</yandex>
EOF
  cat >"$here/users.xml" <<'EOF'
<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>4000000000</max_memory_usage></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default></default></quotas>
</yandex>
EOF
}

make_cluster() {
  local n="${shards:-2}" ports k
  dir="$(mkdir_abs "$dir")"
  read -r -a ports <<<"$(free_ports $((3 * n)))"
  [[ ${#ports[@]} -eq $((3 * n)) ]] || die "could not find $((3 * n)) free ports on 127.0.0.1"
  {
    echo "# Written by scripts/clickhouse-cluster.sh when the cluster was made; restarts reuse these ports."
    echo "SHARDS=$n"
    echo "PIN=$pin"
    for ((k = 1; k <= n; k++)); do
      echo "HTTP_$k=${ports[3 * k - 3]}"
      echo "TCP_$k=${ports[3 * k - 2]}"
      echo "INTERSERVER_$k=${ports[3 * k - 1]}"
    done
  } >"$(env_file)"
  load_cluster
  for ((k = 1; k <= n; k++)); do write_configs "$k"; done
}

# --- start, stop, status -----------------------------------------------------------------------

start_shard() {
  local k="$1" here binary="$2" pid http i cores
  here="$(shard_dir "$k")"
  http="$(port_of HTTP "$k")"
  local launch=(setsid "$binary" "--config-file=$here/config.xml")
  if [[ "$PIN" == 1 ]]; then
    cores="$(nproc)"
    launch=(setsid taskset -c $(((k - 1) % cores)) "$binary" "--config-file=$here/config.xml")
  fi
  # Without job control a background child is no process-group leader, so setsid and taskset
  # exec in place and $! is the server's own pid.
  (cd "$here" && exec nohup "${launch[@]}" >"$here/stdout.log" 2>&1 </dev/null) &
  pid=$!
  echo "$pid" >"$here/pid"
  for ((i = 0; i < 600; i++)); do
    if [[ "$(curl -s --max-time 2 "http://127.0.0.1:$http/ping" 2>/dev/null)" == "Ok." ]]; then
      curl -sS --fail-with-body -X POST --data-binary 'CREATE DATABASE IF NOT EXISTS stint' \
        "http://127.0.0.1:$http/" >/dev/null || die "shard $k answers but could not create database stint"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "clickhouse-cluster: shard $k (http $http) did not start; the end of $here/error.log:" >&2
  tail -n 20 "$here/error.log" >&2 2>/dev/null || tail -n 20 "$here/stdout.log" >&2 || true
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$here/pid"
  exit 1
}

# Asks every selected shard to stop at once, then waits: an 18.16 server can take several seconds
# to shut down (it waits for open queries and connections), and shards need not wait in turn.
stop_shards() {
  local k pid i pids=()
  for k in "$@"; do
    if pid="$(running_pid "$k")"; then
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$k:$pid")
    fi
  done
  for ((i = 0; i < 300; i++)); do
    any_alive "${pids[@]}" || break
    sleep 0.1
  done
  for k in "${pids[@]}"; do
    pid="${k#*:}"
    if kill -0 "$pid" 2>/dev/null; then
      echo "clickhouse-cluster: shard ${k%%:*} (pid $pid) ignored SIGTERM for 30 s; sending SIGKILL" >&2
      kill -KILL "$pid" 2>/dev/null || true
      while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
    fi
  done
  for k in "$@"; do rm -f "$(shard_dir "$k")/pid"; done
}

any_alive() {
  local entry
  for entry in "$@"; do kill -0 "${entry#*:}" 2>/dev/null && return 0; done
  return 1
}

shard_line() {
  local k="$1" state="$2" pid="$3"
  printf 'shard %d %-4s http %d tcp %d pid %s data %s\n' "$k" "$state" "$(port_of HTTP "$k")" \
    "$(port_of TCP "$k")" "${pid:--}" "$(shard_dir "$k")/data"
}

cmd_start() {
  local binary k pid
  # CLICKHOUSE_SERVER picks another build; Debian's package puts it in /usr/sbin, off a user's PATH.
  binary="${CLICKHOUSE_SERVER:-$(command -v clickhouse-server || true)}"
  [[ -z "${CLICKHOUSE_SERVER:-}" && -z "$binary" && -x /usr/sbin/clickhouse-server ]] && binary=/usr/sbin/clickhouse-server
  [[ -n "$binary" && -x "$binary" ]] ||
    die "clickhouse-server is not installed${binary:+ at $binary}; install it: apt-get install clickhouse-server"
  command -v curl >/dev/null || die "curl is not installed; install it: apt-get install curl"
  command -v node >/dev/null || die "node is not on PATH; stint needs Node 20 (https://nodejs.org)"
  if have_cluster; then
    load_cluster
    [[ "$pin" == 1 ]] && PIN=1
  else
    [[ -z "$only_shard" ]] || die "there is no cluster in $dir yet; run 'start' without --shard first"
    make_cluster
  fi
  [[ "$PIN" == 0 ]] || command -v taskset >/dev/null || die "--pin needs taskset; install it: apt-get install util-linux"
  for k in $(selected_shards); do
    running_pid "$k" >/dev/null || start_shard "$k" "$binary"
  done
  for k in $(seq 1 "$SHARDS"); do
    if pid="$(running_pid "$k")"; then shard_line "$k" up "$pid"; else shard_line "$k" down ""; fi
  done
  store_url >"$dir/url"
  store_url
}

cmd_stop() {
  local k
  if ! have_cluster; then
    [[ "$purge" == 1 && -d "$dir" ]] && die "$dir holds no cluster.env; not deleting a folder this script did not make"
    echo "no cluster in $dir"
    return 0
  fi
  [[ "$purge" == 0 || -z "$only_shard" ]] || die "--purge deletes the whole cluster; leave out --shard"
  load_cluster
  # shellcheck disable=SC2046
  stop_shards $(selected_shards)
  if [[ "$purge" == 1 ]]; then
    rm -rf "$dir"
    echo "stopped and deleted $dir"
  else
    echo "stopped $([[ -n "$only_shard" ]] && echo "shard $only_shard" || echo "all shards"); data kept in $dir"
  fi
}

cmd_status() {
  local k pid down=0
  if ! have_cluster; then
    echo "no cluster in $dir (start one: scripts/clickhouse-cluster.sh start --dir $dir)"
    exit 2
  fi
  load_cluster
  for k in $(seq 1 "$SHARDS"); do
    if pid="$(running_pid "$k")"; then shard_line "$k" up "$pid"; else shard_line "$k" down "" && down=1; fi
  done
  store_url
  exit "$down"
}

case "$command" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
esac
