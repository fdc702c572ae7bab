#!/usr/bin/env bash
# kbench's end-to-end latency beside Apache Kafka's own
# org.apache.kafka.tools.EndToEndLatency, on ONE real Apache Kafka broker
# started with `kbench cluster up`, at a comparable low load.
#
#   bench/peer-e2e.sh                 # from the repository root
#
# Needs Go, Java 17 and (the first time) Maven. Prints a Markdown report on
# standard output, progress on standard error.
#
# The two tools measure different loops, and the report says so:
#   - EndToEndLatency is CLOSED loop: it sends one record, waits for its
#     acknowledgement (send().get()), then polls the consumer until that
#     record arrives, and only then sends the next. Its latency is ack
#     round trip + fetch round trip, never with two records in flight; its
#     rate is whatever 1/latency allows. Percentiles are printed in whole
#     milliseconds, truncated (0 means < 1 ms); the average has decimals.
#     Producer linger.ms=0; consumer fetch.max.wait.ms=0 (it polls again at
#     once when a fetch comes back empty); no warm-up is excluded.
#   - kbench is OPEN loop: records are sent at their scheduled times
#     whatever happened to earlier ones, and one consumer (long-polling the
#     broker, which answers as soon as a record is appended) measures
#     consume time - send time of every record. Reported: e2e_raw (from the
#     actual send) and e2e (from the intended send time; equal when the
#     producer keeps up), and the producer's ack latency. The first 2 s are
#     warmup, excluded.
# Same on both sides: 100 B values without keys, acks=1 (idempotence off, as
# each tool's default for acks=1), no compression, linger 0, one fresh topic
# per run with 1 partition and replication factor 1 (what EndToEndLatency
# creates itself), the same broker. kbench adds its 42-byte identity header
# to each record.
#
# Rounds (ROUNDS, default 3), alternating: EndToEndLatency with E2E_RECORDS
# (10000) records; kbench at 500/s; kbench at the rate EndToEndLatency
# achieved in that round (1 / its average latency), each kbench run sending
# about E2E_RECORDS records after its warmup.
set -euo pipefail

cd "$(dirname "$0")/.."
# shellcheck source=bench/peer-lib.sh
. bench/peer-lib.sh

ROUNDS=${ROUNDS:-3}
E2E_RECORDS=${E2E_RECORDS:-10000}
E2E_SIZE=${E2E_SIZE:-100}
E2E_FIXED_RATE=${E2E_FIXED_RATE:-500}
E2E_WARMUP_S=2

peer_setup
REPORT=$WORK/report.md
out() { printf '%s\n' "$*" | tee -a "$REPORT"; }

# Per-run figures: label round rate p50 p99 p999 avg ack_p50 records client_cpu
ROWS=
PEER_RATE=

run_peer() {
	local round=$1 topic=e2e-r$1-java avg pct
	new_topic "$topic" 1
	# shellcheck disable=SC2016 # the printed command shows "$CP" literally
	PEER_CMD=(java "-Xms$PEER_HEAP" "-Xmx$PEER_HEAP" -cp '"$CP"' org.apache.kafka.tools.EndToEndLatency
		--bootstrap-server "$BROKERS" --topic "$topic" --num-records "$E2E_RECORDS" --producer-acks 1 --record-size "$E2E_SIZE")
	local cmd=("${PEER_CMD[@]}")
	cmd[4]=$CP
	MEASURED_LOG=$WORK/run-r$round-peer.log
	peer_log "  round $round: EndToEndLatency, $E2E_RECORDS records of $E2E_SIZE B, acks=1 (closed loop)"
	measured "${cmd[@]}"
	drop_topic "$topic"
	avg=$(sed -nE 's/^Avg latency: ([0-9.]+) ms.*/\1/p' "$MEASURED_LOG" | tail -n1)
	pct=$(sed -nE 's/^Percentiles: 50th = ([0-9]+), 99th = ([0-9]+), 99.9th = ([0-9]+).*/\1 \2 \3/p' "$MEASURED_LOG" | tail -n1)
	[[ -n $avg && -n $pct ]] || { cat "$MEASURED_LOG" >&2; peer_die "no result lines from EndToEndLatency"; }
	read -r p50 p99 p999 <<<"$pct"
	PEER_RATE=$(awk -v a="$avg" 'BEGIN {printf "%d", 1000 / a}')
	ROWS+="EndToEndLatency $round $PEER_RATE $p50 $p99 $p999 $avg - $E2E_RECORDS $CLIENT_CPU -"$'\n'
	peer_log "    avg $avg ms (=> $PEER_RATE records/s), p50 $p50, p99 $p99, p99.9 $p999 (whole ms, truncated), client CPU ${CLIENT_CPU}s"
}

# scenario RATE writes kbench's scenario for one rate.
scenario() {
	local rate=$1 f=$WORK/scenario-$1.yaml dur
	# E2E_RECORDS records after the warmup, rounded up to whole seconds.
	dur=$(((E2E_RECORDS + rate - 1) / rate + E2E_WARMUP_S))
	cat >"$f" <<EOF
# kbench side of bench/peer-e2e.sh: $rate records/s of $E2E_SIZE B, acks=1, one consumer.
name: peer-e2e-${rate}
duration: ${dur}s
warmup: ${E2E_WARMUP_S}s
drain: 30s
topics:
  - { name: "\${PEER_TOPIC}", create: never }   # created fresh by the script
data:
  payload: { format: bytes, size: ${E2E_SIZE}B }
producers:
  - name: perf
    topic: "\${PEER_TOPIC}"
    data: payload
    rate: ${rate}/s            # open loop: constant rate, evenly spaced
    acks: leader              # acks=1; idempotence off (the default for acks=1)
    compression: none
    linger: 0s                # like EndToEndLatency's producer
consumers:
  - { name: reader, topic: "\${PEER_TOPIC}" }
report: { formats: [json] }
EOF
	echo "$f"
}

run_kbench() {
	local round=$1 rate=$2 label=$3 scen topic res
	scen=$(scenario "$rate")
	topic=e2e-r$round-kbench-$rate
	new_topic "$topic" 1
	local outdir=$WORK/results/r$round-$rate
	mkdir -p "$outdir"
	KB_CMD=(PEER_TOPIC="$topic" kbench run "$(basename "$scen")" --brokers "$BROKERS" --quiet --out "<tmp>/results")
	MEASURED_LOG=$WORK/run-r$round-kbench-$rate.log
	peer_log "  round $round: kbench at $rate/s with one consumer (open loop)"
	local rc=0
	PEER_TOPIC=$topic measured "$KB" run "$scen" --brokers "$BROKERS" --quiet --out "$outdir" || rc=$?
	drop_topic "$topic"
	kbench_rc "$rc" "$MEASURED_LOG"
	res=$outdir/latest/result.json
	[[ -f $res ]] || res=$(find "$outdir" -name result.json | head -n1)
	[[ -n $res && -f $res ]] || { cat "$MEASURED_LOG" >&2; peer_die "no result.json from kbench"; }
	us() { awk -v u="$(json_get "$res" "$1")" 'BEGIN {printf "%.2f", u / 1000}'; }
	local missing
	missing=$(json_get "$res" consume.missing || echo "?")
	[[ $missing == 0 ]] || peer_log "    warning: $missing acknowledged records were not consumed by kbench's consumer"
	ROWS+="$label $round $(fmt_num "$(json_get "$res" produce.rate)") $(us consume.e2e_raw.p50_us) $(us consume.e2e_raw.p99_us) $(us consume.e2e_raw.p999_us) $(us consume.e2e_raw.mean_us) $(us produce.latency_raw.p50_us) $(json_get "$res" consume.e2e_raw.count) $CLIENT_CPU $missing"$'\n'
	E2E_CORR+="$label $round $(us consume.e2e.p50_us) $(us consume.e2e.p99_us) $(us consume.e2e.p999_us) $(json_get "$res" produce.behind)"$'\n'
	peer_log "    e2e raw p50 $(us consume.e2e_raw.p50_us) ms, p99 $(us consume.e2e_raw.p99_us) ms, p99.9 $(us consume.e2e_raw.p999_us) ms, client CPU ${CLIENT_CPU}s"
}

E2E_CORR=
for ((round = 1; round <= ROUNDS; round++)); do
	if ((round % 2)); then
		run_peer "$round"
		run_kbench "$round" "$PEER_RATE" kbench@peer-rate
		run_kbench "$round" "$E2E_FIXED_RATE" "kbench@${E2E_FIXED_RATE}/s"
	else
		run_kbench "$round" "$E2E_FIXED_RATE" "kbench@${E2E_FIXED_RATE}/s"
		run_peer "$round"
		run_kbench "$round" "$PEER_RATE" kbench@peer-rate
	fi
done
printf '%s' "$ROWS" >"$WORK/rows.txt"

col() { awk -v t="$1" -v f="$2" '$1 == t {print $f}' <<<"$ROWS"; }
# exact TOOL X: kbench's value as is; EndToEndLatency's whole ms k as the
# range it stands for, k to k+1 ms.
exact() { if [[ $1 == EndToEndLatency ]]; then awk -v k="$2" 'BEGIN {printf "%g–%g", k, k + 1}'; else echo "$2"; fi; }
floor_ms() { awk -v x="$1" 'BEGIN {if (x == "-") print "-"; else printf "%d", x}'; }

out "# kbench vs Apache Kafka's EndToEndLatency ($(date -u +%Y-%m-%d))"
out ""
out "kbench built from $KBENCH_REV."
out "One Apache Kafka $KAFKA_VERSION broker (KRaft, \`kbench cluster up\`, local process), $(nproc) cores shared by broker and clients."
out "$E2E_SIZE B records, acks=1, no compression, linger 0, 1 partition, fresh topic per run; $ROUNDS round(s), alternating."
out ""
out "**Closed loop vs open loop.** EndToEndLatency sends one record, waits for its ack, then polls until it"
out "reads it back, then sends the next: one record in flight, latency = ack round trip + fetch round trip,"
out "rate = 1 / latency. kbench sends on a fixed schedule (open loop) whatever earlier records are doing, and a"
out "long-polling consumer measures consume time − send time of every record; the produce ack and the fetch"
out "overlap. EndToEndLatency prints whole milliseconds, truncated (0 = under 1 ms); kbench's figures are"
out "also shown truncated the same way for a like-for-like reading."
out ""
out "| round | tool | rate (records/s) | p50 ms | p99 ms | p99.9 ms | mean ms | kbench ack p50 ms | records measured | acked, not consumed | client CPU-s |"
out "|------:|------|-----------------:|-------:|-------:|---------:|--------:|------------------:|-----------------:|--------------------:|-------------:|"
while read -r tool round rate p50 p99 p999 avg ack n cpu missing; do
	[[ -n $tool ]] || continue
	out "| $round | $tool | $rate | $p50 | $p99 | $p999 | $avg | $ack | $n | $missing | $cpu |"
done <<<"$ROWS"
out ""
out "Medians over rounds (truncated to whole ms as EndToEndLatency prints them, then exact):"
out ""
out "| tool | rate | p50 | p99 | p99.9 | p50 exact ms | p99 exact ms | p99.9 exact ms | mean ms |"
out "|------|-----:|----:|----:|------:|-------------:|-------------:|--------------:|--------:|"
for tool in EndToEndLatency kbench@peer-rate "kbench@${E2E_FIXED_RATE}/s"; do
	# shellcheck disable=SC2046
	{
		m50=$(median $(col "$tool" 4)) m99=$(median $(col "$tool" 5)) m999=$(median $(col "$tool" 6))
		out "| $tool | $(fmt_num "$(median $(col "$tool" 3))") | $(floor_ms "$m50") | $(floor_ms "$m99") | $(floor_ms "$m999") | $(exact "$tool" "$m50") | $(exact "$tool" "$m99") | $(exact "$tool" "$m999") | $(median $(col "$tool" 7)) |"
	}
done
out ""
out "kbench's corrected e2e (from the intended send time; equals raw when the producer keeps up):"
out ""
out "| round | run | e2e p50 ms | e2e p99 ms | e2e p99.9 ms | records sent > 5 ms late |"
out "|------:|-----|-----------:|-----------:|-------------:|-------------------------:|"
while read -r tool round p50 p99 p999 behind; do
	[[ -n $tool ]] || continue
	out "| $round | $tool | $p50 | $p99 | $p999 | $behind |"
done <<<"$E2E_CORR"
out ""
out "Peer command (one run):"
out ""
out '```'
out "${PEER_CMD[*]}"
out '```'
out ""
out "kbench command (one run) and its scenario at ${E2E_FIXED_RATE}/s:"
out ""
out '```'
out "${KB_CMD[*]}"
out '```'
out ""
out '```yaml'
while IFS= read -r l; do out "$l"; done <"$WORK/scenario-$E2E_FIXED_RATE.yaml"
out '```'
out ""
out "Report: $REPORT"
