#!/usr/bin/env bash
# drills.sh: the failure drills, each PASS or FAIL, against two `stagebot serve` replicas sharing
# one throwaway Postgres and stageload's fake Twilio API.
#
#   a. kill -9: students play for DURATION on both replicas while one replica or the other is
#      killed with SIGKILL three times and restarted; every acknowledged message must get a
#      reply, and no text may reach a phone twice (stageload run --fail-on-missing).
#   b. pg-outage: Postgres stopped for 5 s under load: the webhook answers 503 while it is down
#      and 2xx again within 5 s of its return.
#   c. replay: one webhook delivered 1,000 times: all 2xx, one reply.
#   d. forged: 500 unsigned, mis-signed or 2 MB webhooks: all refused (401, 403, 413).
#   e. accept-race: 50 acceptances at once for 3 places: exactly 3 accepted.
#
# Knobs (environment): STUDENTS (300), CONCURRENCY (16), DURATION (30s: the kill drill's load,
# in whole seconds; the kills come at a quarter, a half and three quarters), PROVIDER_LATENCY (150ms),
# TWILIO_MESSAGES_PER_SECOND (100), DRILLS ("kill pg-outage replay forged accept-race"), KEEP=1,
# STAGEBOT_BIN / STAGELOAD_BIN, PG_BIN. Exit status: the number of drills that failed.
set -euo pipefail
. "$(dirname "$0")/loadenv.sh"

STUDENTS=${STUDENTS:-300}
CONCURRENCY=${CONCURRENCY:-16}
DURATION=${DURATION:-30s}
PROVIDER_LATENCY=${PROVIDER_LATENCY:-150ms}
DRILLS=${DRILLS:-kill pg-outage replay forged accept-race}
if ! [[ $DURATION =~ ^[0-9]+s$ ]]; then
	echo "DURATION must be whole seconds, such as 30s" >&2
	exit 2
fi

lt_setup
lt_seed
lt_provider --latency "$PROVIDER_LATENCY"
PORT_A=$(lt_free_port)
lt_serve a "$PORT_A"
PORT_B=$(lt_free_port)
while [ "$PORT_B" = "$PORT_A" ]; do PORT_B=$(lt_free_port); done
lt_serve b "$PORT_B"
URLS="http://127.0.0.1:$PORT_A,http://127.0.0.1:$PORT_B"
lt_log "replicas a on $PORT_A, b on $PORT_B"

declare -A RESULT=()
run_id=100
# drill NAME CMD...: runs one drill, records PASS or FAIL.
drill() {
	local name=$1
	shift
	lt_log "drill $name"
	if "$@"; then RESULT[$name]=PASS; else RESULT[$name]=FAIL; fi
}

# kill_drill: load on both replicas, and three kill -9 / restart of one of them.
kill_drill() {
	local dur_s=${DURATION%s} step pid rc=0
	step=$((dur_s / 4))
	"$STAGELOAD_BIN" run --url "$URLS" --provider "$LT_PROVIDER" --run-id $((run_id++)) \
		--students "$STUDENTS" --concurrency "$CONCURRENCY" --duration "$DURATION" \
		--provider-latency "$PROVIDER_LATENCY" --reply-timeout 200s --grace 180s --fail-on-missing \
		--database-url "$DATABASE_URL" \
		--json "$LT_TMP/kill.json" 2>>"$LT_TMP/stageload.log" &
	pid=$!
	for victim in a b a; do
		sleep "$step"
		lt_log "kill -9 replica $victim (pid ${LT_SERVE_PID[$victim]})"
		lt_kill9 "$victim"
		sleep 1
		if [ "$victim" = a ]; then lt_serve a "$PORT_A"; else lt_serve b "$PORT_B"; fi
		lt_log "replica $victim restarted"
	done
	wait "$pid" || rc=$?
	return "$rc"
}

PG_CTL="$PG_BIN/pg_ctl -D $LT_PGDATA -w -t 60"
if [ "$(id -u)" = 0 ]; then PG_CTL="runuser -u postgres -- $PG_CTL"; fi

for d in $DRILLS; do
	case $d in
	kill) drill kill kill_drill ;;
	pg-outage)
		drill pg-outage "$STAGELOAD_BIN" drill pg-outage --url "$URLS" --provider "$LT_PROVIDER" --run-id $((run_id++)) \
			--provider-latency "$PROVIDER_LATENCY" --down-for 5s --recover 5s \
			--down-cmd "$PG_CTL -m fast stop >/dev/null" --up-cmd "$PG_CTL -l $LT_TMP/postgres.log start >/dev/null"
		;;
	replay)
		drill replay "$STAGELOAD_BIN" drill replay --url "$URLS" --provider "$LT_PROVIDER" --run-id $((run_id++)) \
			--provider-latency "$PROVIDER_LATENCY" --count 1000
		;;
	forged)
		drill forged "$STAGELOAD_BIN" drill forged --url "$URLS" --provider "$LT_PROVIDER" --run-id $((run_id++)) --count 500
		;;
	accept-race)
		drill accept-race "$STAGELOAD_BIN" drill accept-race --url "$URLS" --provider "$LT_PROVIDER" --run-id $((run_id++)) \
			--provider-latency "$PROVIDER_LATENCY" --database-url "$DATABASE_URL" --applicants 50 --places 3
		;;
	*) lt_log "unknown drill $d"; RESULT[$d]=FAIL ;;
	esac
done

echo
echo "== drills"
failed=0
for d in $DRILLS; do
	printf '%-12s %s\n' "$d" "${RESULT[$d]:-not run}"
	[ "${RESULT[$d]:-}" = PASS ] || failed=$((failed + 1))
done
for name in a b; do
	if grep -q "panic\|fatal error" "$LT_TMP/$name.log" 2>/dev/null; then
		echo "replica $name logged a panic: see $LT_TMP/$name.log (KEEP=1)"
	fi
done
exit "$failed"
