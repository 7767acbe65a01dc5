#!/usr/bin/env bash
# loadtest.sh: how many student messages a second stagebot takes, next to what the same Postgres
# does under pgbench.
#
# It builds stagebot and stageload from this tree, starts a throwaway Postgres cluster in a temp
# dir (Unix socket only), measures pgbench's simple-update TPS (-N, 16 clients, 2 threads), then
# migrates and seeds stagebot on the same cluster, starts `stagebot serve` with stageload's fake
# Twilio API, plays students over signed webhooks, and prints both figures and their ratio.
# Everything it started is stopped at the end (KEEP=1 keeps the temp dir and its logs).
#
# Knobs (environment): STUDENTS (2000), CONCURRENCY (16), DURATION (30s), RATE (empty: closed
# loop; N: open loop at N msg/s), PROVIDER_LATENCY (150ms), PROVIDER_429 (0),
# It also counts, with pg_stat_statements and pg_stat_database, the statements and the commits
# stagebot's database ran during the students' run, per inbound message (top statements in
# $LT_TMP/statements.txt, kept with KEEP=1).
# TWILIO_MESSAGES_PER_SECOND (100), PGBENCH_SCALE (10), PGBENCH_CLIENTS (16), PGBENCH_SECONDS (20),
# STAGEBOT_BIN / STAGELOAD_BIN (prebuilt binaries instead of building), PG_BIN.
#
#   scripts/loadtest.sh
#   STUDENTS=200 DURATION=10s scripts/loadtest.sh
set -euo pipefail
. "$(dirname "$0")/loadenv.sh"

STUDENTS=${STUDENTS:-2000}
CONCURRENCY=${CONCURRENCY:-16}
DURATION=${DURATION:-30s}
RATE=${RATE:-}
PROVIDER_LATENCY=${PROVIDER_LATENCY:-150ms}
PROVIDER_429=${PROVIDER_429:-0}

# pg_stat_statements counts every statement of stagebot's database during the run.
PG_EXTRA_CONF="${PG_EXTRA_CONF:-}
shared_preload_libraries = 'pg_stat_statements'"
export PG_EXTRA_CONF
lt_setup

lt_log "pgbench -i -s ${PGBENCH_SCALE:-10}, then -N -c ${PGBENCH_CLIENTS:-16} -j 2 -T ${PGBENCH_SECONDS:-20}"
TPS=$(lt_pgbench "${PGBENCH_SCALE:-10}" "${PGBENCH_CLIENTS:-16}" "${PGBENCH_SECONDS:-20}")
lt_log "pgbench: $TPS TPS"

lt_seed
lt_provider --latency "$PROVIDER_LATENCY" --rate429 "$PROVIDER_429"
PORT=$(lt_free_port)
lt_serve serve "$PORT"
lt_log "stagebot serve on 127.0.0.1:$PORT (TWILIO_MESSAGES_PER_SECOND=${TWILIO_MESSAGES_PER_SECOND:-100})"

args=(run --url "http://127.0.0.1:$PORT" --provider "$LT_PROVIDER" --students "$STUDENTS"
	--concurrency "$CONCURRENCY" --duration "$DURATION" --provider-latency "$PROVIDER_LATENCY"
	--provider-429 "$PROVIDER_429" --json "$LT_TMP/run.json")
if [ -n "$RATE" ]; then args+=(--rate "$RATE"); fi
psql_sb() { lt_as_pg "$PG_BIN/psql" -h "$LT_PGSOCK" -p "$LT_PGPORT" -U postgres -d stagebot -Atq -c "$1"; }
psql_sb "CREATE EXTENSION IF NOT EXISTS pg_stat_statements"
psql_sb "SELECT pg_stat_statements_reset()" >/dev/null
COMMITS0=$(psql_sb "SELECT xact_commit FROM pg_stat_database WHERE datname = 'stagebot'")
lt_log "stageload ${args[*]}"
"$STAGELOAD_BIN" "${args[@]}" 2>>"$LT_TMP/stageload.log" | tee "$LT_TMP/run.txt"

COMMITS1=$(psql_sb "SELECT xact_commit FROM pg_stat_database WHERE datname = 'stagebot'")
STATEMENTS=$(psql_sb "SELECT coalesce(sum(calls), 0) FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
	WHERE d.datname = 'stagebot' AND s.query NOT LIKE '%pg_stat_%'")
psql_sb "SELECT calls, left(regexp_replace(query, '\s+', ' ', 'g'), 160) FROM pg_stat_statements s
	JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = 'stagebot' ORDER BY calls DESC LIMIT 40" >"$LT_TMP/statements.txt"
MPS=$(jq -r '.inbound.accepted_per_second' "$LT_TMP/run.json")
IN=$(jq -r '.inbound.accepted_2xx' "$LT_TMP/run.json")
P95=$(jq -r '.replies.delay.p95_ms' "$LT_TMP/run.json")
echo
echo "== summary"
printf 'pgbench (-N, %s clients, scale %s): %s TPS\n' "${PGBENCH_CLIENTS:-16}" "${PGBENCH_SCALE:-10}" "$TPS"
printf 'stagebot (%s concurrent students, provider latency %s): %.1f inbound msg/s accepted, reply delay p95 %s ms\n' \
	"$CONCURRENCY" "$PROVIDER_LATENCY" "$MPS" "$P95"
awk -v m="$MPS" -v t="$TPS" 'BEGIN { if (t > 0) printf "ratio msg/s / TPS: %.4f (one student message costs about %.0f pgbench transactions)\n", m / t, (m > 0 ? t / m : 0) }'
awk -v n="$IN" -v s="$STATEMENTS" -v c0="$COMMITS0" -v c1="$COMMITS1" 'BEGIN { if (n > 0) printf "per inbound message: %.1f statements, %.2f commits (%d messages, %d statements, %d commits; the run only, reply sending included)\n", s / n, (c1 - c0) / n, n, s, c1 - c0 }'
echo "top statements by calls: $LT_TMP/statements.txt (KEEP=1 keeps it)"
