# shellcheck shell=bash
# loadenv.sh: what scripts/loadtest.sh and scripts/drills.sh share. Source it; it defines functions
# only and starts nothing by itself.
#
#   lt_setup                 temp dir, binaries built from the current tree, a throwaway Postgres
#   lt_pg_stop / lt_pg_start stop or start that Postgres (its data is kept)
#   lt_seed                  migrate and seed stagebot's database
#   lt_provider              start stageload's fake Twilio/Telegram API
#   lt_serve NAME PORT       start one `stagebot serve` replica against all of the above
#   lt_cleanup               stop everything this script started and remove the temp dir
#
# Everything runs on loopback; Postgres listens on a Unix socket in the temp dir only. As root,
# the Postgres binaries run as the postgres user (Postgres refuses to run as root).

set -euo pipefail

LT_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
LT_PIDS=()

# Fake credentials: the serve under test and stageload must agree on them.
export TWILIO_ACCOUNT_SID=${TWILIO_ACCOUNT_SID:-AC0123456789abcdef0123456789abcdef}
export TWILIO_AUTH_TOKEN=${TWILIO_AUTH_TOKEN:-0123456789abcdef0123456789abcdef}
export TWILIO_FROM=${TWILIO_FROM:-+33757000000}
export PUBLIC_URL=${PUBLIC_URL:-https://stagebot.example.org}

lt_log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# lt_as_pg CMD...: runs a Postgres binary, as the postgres user when we are root.
lt_as_pg() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

# lt_free_port: prints a TCP port nobody listens on (on 127.0.0.1).
lt_free_port() {
	local p
	for _ in $(seq 200); do
		p=$((20000 + RANDOM % 30000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
	echo "no free port" >&2
	return 1
}

# lt_wait_http URL [SECONDS]: waits until URL answers 2xx.
lt_wait_http() {
	local url=$1 limit=${2:-30} i
	for i in $(seq $((limit * 10))); do
		if curl -fsS -o /dev/null --max-time 1 "$url" 2>/dev/null; then
			return 0
		fi
		sleep 0.1
	done
	lt_log "timeout waiting for $url"
	return 1
}

# lt_setup: makes $LT_TMP, builds stagebot and stageload into it from the current tree, and starts
# a throwaway Postgres cluster (database "stagebot").
lt_setup() {
	LT_TMP=$(mktemp -d /tmp/stageload.XXXXXX)
	chmod 755 "$LT_TMP"
	trap lt_cleanup EXIT
	trap 'exit 130' INT TERM
	lt_log "work dir $LT_TMP"
	if [ -z "${STAGEBOT_BIN:-}" ]; then
		lt_log "building stagebot and stageload from $LT_ROOT"
		(cd "$LT_ROOT" && go build -o "$LT_TMP/stagebot" ./cmd/stagebot)
		STAGEBOT_BIN=$LT_TMP/stagebot
	fi
	if [ -z "${STAGELOAD_BIN:-}" ]; then
		(cd "$LT_ROOT" && go build -o "$LT_TMP/stageload" ./cmd/stageload)
		STAGELOAD_BIN=$LT_TMP/stageload
	fi
	LT_PGDATA=$LT_TMP/pgdata
	LT_PGSOCK=$LT_TMP/pgsock
	mkdir -p "$LT_PGSOCK"
	touch "$LT_TMP/postgres.log"
	if [ "$(id -u)" = 0 ]; then
		mkdir -p "$LT_PGDATA"
		chown postgres "$LT_PGSOCK" "$LT_PGDATA" "$LT_TMP/postgres.log"
	fi
	LT_PGPORT=$(lt_free_port)
	lt_log "initdb ($PG_BIN), port $LT_PGPORT, socket in $LT_PGSOCK"
	lt_as_pg "$PG_BIN/initdb" -D "$LT_PGDATA" -A trust -U postgres -E UTF8 --no-locale >"$LT_TMP/initdb.log" 2>&1
	cat >>"$LT_PGDATA/postgresql.conf" <<-EOF
		listen_addresses = ''
		port = $LT_PGPORT
		unix_socket_directories = '$LT_PGSOCK'
		max_connections = 300
		shared_buffers = 256MB
		${PG_EXTRA_CONF:-}
	EOF
	lt_pg_start
	lt_as_pg "$PG_BIN/createdb" -h "$LT_PGSOCK" -p "$LT_PGPORT" -U postgres stagebot
	lt_as_pg "$PG_BIN/createdb" -h "$LT_PGSOCK" -p "$LT_PGPORT" -U postgres bench
	export DATABASE_URL="host=$LT_PGSOCK port=$LT_PGPORT user=postgres dbname=stagebot sslmode=disable"
}

# lt_pg_start / lt_pg_stop: start or stop (fast) the cluster, keeping its data.
lt_pg_start() {
	lt_as_pg "$PG_BIN/pg_ctl" -D "$LT_PGDATA" -l "$LT_TMP/postgres.log" -w -t 60 start >/dev/null
}
lt_pg_stop() {
	lt_as_pg "$PG_BIN/pg_ctl" -D "$LT_PGDATA" -m fast -w -t 60 stop >/dev/null
}

# lt_pgbench SCALE CLIENTS SECONDS: initialises pgbench's tables in database "bench" and runs the
# simple-update benchmark (-N); prints the TPS (without initial connection time).
lt_pgbench() {
	local scale=$1 clients=$2 secs=$3
	lt_as_pg "$PG_BIN/pgbench" -h "$LT_PGSOCK" -p "$LT_PGPORT" -U postgres -i -q -s "$scale" bench \
		>"$LT_TMP/pgbench-init.log" 2>&1
	lt_as_pg "$PG_BIN/pgbench" -h "$LT_PGSOCK" -p "$LT_PGPORT" -U postgres -N -c "$clients" -j 2 -T "$secs" bench \
		>"$LT_TMP/pgbench.log" 2>&1
	sed -n 's/^tps = \([0-9.]*\) (without initial connection time)$/\1/p' "$LT_TMP/pgbench.log"
}

# lt_seed: migrates and seeds stagebot's database (the Paris collèges, the demo campaign and catalog).
lt_seed() {
	"$STAGEBOT_BIN" migrate >"$LT_TMP/migrate.log" 2>&1
	"$STAGEBOT_BIN" seed >"$LT_TMP/seed.log" 2>&1
	lt_log "seeded: $(tr '\n' ' ' <"$LT_TMP/seed.log" | cut -c1-200)"
}

# lt_provider [ARGS...]: starts `stageload provider` on a free port; sets LT_PROVIDER (its URL).
lt_provider() {
	local port
	port=$(lt_free_port)
	"$STAGELOAD_BIN" provider --listen "127.0.0.1:$port" \
		--account-sid "$TWILIO_ACCOUNT_SID" --auth-token "$TWILIO_AUTH_TOKEN" "$@" \
		>"$LT_TMP/provider.log" 2>&1 &
	LT_PIDS+=($!)
	LT_PROVIDER=http://127.0.0.1:$port
	lt_wait_http "$LT_PROVIDER/_fake/health" 10
	export TWILIO_API_BASE_URL=$LT_PROVIDER
	lt_log "fake provider at $LT_PROVIDER"
}

# lt_serve NAME PORT: starts one replica of `stagebot serve` on 127.0.0.1:PORT, logging to
# $LT_TMP/NAME.log, and waits until it is ready; its pid is in LT_SERVE_PID[NAME].
declare -A LT_SERVE_PID=()
lt_serve() {
	local name=$1 port=$2
	HTTP_ADDR=127.0.0.1:$port TWILIO_MESSAGES_PER_SECOND=${TWILIO_MESSAGES_PER_SECOND:-100} \
		"$STAGEBOT_BIN" serve >>"$LT_TMP/$name.log" 2>&1 &
	LT_SERVE_PID[$name]=$!
	lt_wait_http "http://127.0.0.1:$port/readyz" 30
}

# lt_kill9 NAME: kill -9 one replica started by lt_serve.
lt_kill9() {
	local pid=${LT_SERVE_PID[$1]:-}
	if [ -n "$pid" ]; then
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		LT_SERVE_PID[$1]=
	fi
}

# lt_cleanup: stops every process this script started (by pid), Postgres, and removes the temp dir
# (unless KEEP=1).
lt_cleanup() {
	local pid name
	set +e
	for name in "${!LT_SERVE_PID[@]}"; do
		pid=${LT_SERVE_PID[$name]}
		[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	done
	for pid in "${LT_PIDS[@]}"; do
		kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	done
	if [ -n "${LT_PGDATA:-}" ] && [ -f "$LT_PGDATA/postmaster.pid" ]; then
		lt_pg_stop 2>/dev/null
	fi
	if [ -n "${LT_TMP:-}" ]; then
		if [ "${KEEP:-0}" = 1 ]; then
			lt_log "kept $LT_TMP"
		else
			rm -rf "$LT_TMP"
		fi
	fi
}
