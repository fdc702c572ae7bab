#!/usr/bin/env bash
# kbench's producer side by side with Apache Kafka's own producer benchmark
# (org.apache.kafka.tools.ProducerPerformance, what kafka-producer-perf-test.sh
# runs) on ONE real Apache Kafka broker started with `kbench cluster up`.
#
#   bench/peer-producer.sh            # from the repository root
#
# Needs Go, Java 17 and (the first time, to fetch the Kafka jars) Maven.
# Prints a Markdown report on standard output, progress on standard error;
# raw logs, the generated scenarios and kbench's result directories stay in
# a temporary folder (printed at the end; PEER_KEEP=0 deletes it).
#
# Matrix: record size 100 B and 1 KiB x acks=1 and acks=all, lz4, unthrottled,
# ROUNDS rounds (default 3) of alternating runs: odd rounds run the peer
# first, even rounds kbench first, so drift of this noisy machine hits both.
# Every run writes to a fresh topic (6 partitions, replication factor 1),
# deleted after the run.
#
# The client settings are the same on both sides:
#   - acks: Java acks=1 / acks=all; kbench acks: leader / acks: all.
#   - idempotence: kbench's default for the acks level (off for acks=1, on
#     for acks=all). Java is told explicitly: enable.idempotence=false for
#     acks=1 (Java would switch it off itself, as acks=1 conflicts), true
#     for acks=all (Java's default).
#   - in flight: 5 produce requests per broker connection on both sides.
#     Java's default max.in.flight.requests.per.connection is 5 (set
#     explicitly). franz-go allows 5 with idempotence; without it its default
#     is 1, so kbench's acks=1 producer gets max_in_flight: 5.
#   - compression lz4 (Java's default lz4 level uses the fast compressor, as
#     franz-go does), linger 5 ms, batch size 64 KiB (Java batch.size,
#     kbench batch_size -> franz-go ProducerBatchMaxBytes).
#   - client buffer: Java keeps its default buffer.memory of 32 MiB (set
#     explicitly); kbench's buffer is counted in records, so max_buffered is
#     32 MiB / record size (the same payload bytes). Unthrottled, both
#     clients run with a full buffer, so their latencies are mostly the time
#     a record waits in that buffer (Little's law): equal buffers keep the
#     latency columns comparable; they are not a measure of the broker.
#   - no keys on either side (Java's built-in sticky partitioner, franz-go's
#     sticky partitioner); values are random bytes of exactly the record size
#     (Java: random letters A-Z, kbench: random bytes; lz4 compresses neither
#     much). kbench also adds its 42-byte identity header to every record
#     (needed for its end-to-end accounting); Java sends none. MB/s counts
#     value bytes only on both sides (MiB, as ProducerPerformance prints).
#   - the same JVM heap for every peer run (PEER_HEAP, default -Xms1g
#     -Xmx1g). The peer gets --warmup-records (1/8 of its records) and its
#     steady-state summary line is the one reported; kbench gets warmup: 2s
#     of a 16 s run. Both runs last ~15-20 s, long enough for the JIT to warm.
#     Durations, not record counts, are matched: kbench is faster, so a
#     matched count would make its runs too short for a steady state. CPU is
#     normalised per million records.
#   - latency: ProducerPerformance measures from the send() call to the ack
#     callback (milliseconds, whole numbers, sampled); kbench reports
#     produce.latency_raw: from the actual send (the Produce call) to the
#     ack (HDR histogram, microseconds). Unthrottled, kbench's intended send
#     time is the actual one, so raw = corrected here.
#
# Client CPU: user+system seconds of the whole client process (GNU time), JVM
# start-up and warmup included, per million records sent. The broker runs on
# the same 2 cores: its CPU (from /proc of the broker JVM) and the machine's
# busy share during each run are reported too.
#
# Knobs (environment): ROUNDS, SIZES ("100 1024"), ACKS_LIST ("1 all"),
# PEER_RECORDS (records per peer run; default 15M for 100 B, 3M for 1 KiB),
# KBENCH_DURATION (16s), KBENCH_WARMUP (2s), PEER_PARTITIONS (6), PEER_HEAP.
set -euo pipefail

cd "$(dirname "$0")/.."
# shellcheck source=bench/peer-lib.sh
. bench/peer-lib.sh

ROUNDS=${ROUNDS:-3}
SIZES=${SIZES:-"100 1024"}
ACKS_LIST=${ACKS_LIST:-"1 all"}
LINGER_MS=5
BATCH_BYTES=65536
BUFFER_MEMORY=33554432
MAX_IN_FLIGHT=5
KBENCH_DURATION=${KBENCH_DURATION:-16s}
KBENCH_WARMUP=${KBENCH_WARMUP:-2s}

peer_records() {
	if [[ -n ${PEER_RECORDS:-} ]]; then echo "$PEER_RECORDS"; return; fi
	case $1 in
	100) echo 15000000 ;;
	1024) echo 3000000 ;;
	*) echo $((1536000000 / $1 < 1000000 ? 1000000 : 1536000000 / $1)) ;;
	esac
}

peer_setup
REPORT=$WORK/report.md
out() { printf '%s\n' "$*" | tee -a "$REPORT"; }

# scenario S ACKS writes kbench's scenario for one configuration; the topic
# comes from PEER_TOPIC, so one file serves every round.
scenario() {
	local s=$1 acks=$2 f=$WORK/scenario-$1B-acks$2.yaml kbacks idem inflight=""
	if [[ $acks == 1 ]]; then
		kbacks=leader idem=false inflight="    max_in_flight: $MAX_IN_FLIGHT"
	else
		kbacks=all idem=true
	fi
	cat >"$f" <<EOF
# kbench side of bench/peer-producer.sh: $s B records, acks=$acks.
name: peer-${s}B-acks${acks}
duration: $KBENCH_DURATION
warmup: $KBENCH_WARMUP
drain: 30s
topics:
  - { name: "\${PEER_TOPIC}", create: never }   # created fresh by the script
data:
  payload: { format: bytes, size: ${s}B }      # random bytes, no key
producers:                                      # no consumers: producing only
  - name: perf
    topic: "\${PEER_TOPIC}"
    data: payload
    rate: unlimited
    acks: $kbacks
    idempotent: $idem
$( [[ -n $inflight ]] && echo "$inflight" )
    compression: lz4
    linger: ${LINGER_MS}ms
    batch_size: $BATCH_BYTES
    max_buffered: $((BUFFER_MEMORY / s))
report: { formats: [json] }
EOF
	sed -i '/^$/d' "$f"
	echo "$f"
}

# Per-run figures, appended by run_peer/run_kbench:
# 1 tool 2 round 3 rate 4 mbs 5 p50 6 p99 7 p999 8 records 9 client_cpu
# 10 broker_cpu 11 busy 12 wall 13 other_cpu 14 steady_client_cores
# 15 steady_broker_cores 16 steady_main_thread_cores 17 steady_net_thread_cores
ROWS=

run_peer() {
	local s=$1 acks=$2 round=$3 n w topic idem line nums
	n=$(peer_records "$s")
	w=$((n / 8))
	idem=$([[ $acks == 1 ]] && echo false || echo true)
	topic=peer-${s}b-acks${acks}-r${round}-java
	new_topic "$topic" "$PEER_PARTITIONS"
	# shellcheck disable=SC2016 # the printed command shows "$CP" literally
	PEER_CMD=(java "-Xms$PEER_HEAP" "-Xmx$PEER_HEAP" -cp '"$CP"' org.apache.kafka.tools.ProducerPerformance
		--topic "$topic" --num-records "$n" --warmup-records "$w" --record-size "$s" --throughput -1
		--command-property "bootstrap.servers=$BROKERS" "acks=$acks" "enable.idempotence=$idem"
		"max.in.flight.requests.per.connection=$MAX_IN_FLIGHT" "linger.ms=$LINGER_MS" "batch.size=$BATCH_BYTES"
		compression.type=lz4 "buffer.memory=$BUFFER_MEMORY" client.id=peer-bench)
	MEASURED_LOG=$WORK/run-${s}B-acks${acks}-r${round}-peer.log
	peer_log "  round $round: ProducerPerformance, $n records of $s B, acks=$acks"
	local cmd=("${PEER_CMD[@]}")
	cmd[4]=$CP
	measured "${cmd[@]}"
	drop_topic "$topic"
	# Final line (steady state when --warmup-records is set):
	# N [steady state] records sent, R records/sec (M MB/sec), A ms avg latency,
	# X ms max latency, P50 ms 50th, P95 ms 95th, P99 ms 99th, P999 ms 99.9th.
	line=$(grep 'steady state records sent' "$MEASURED_LOG" | tail -n1 || true)
	[[ -n $line ]] || line=$(grep 'records sent,.*99.9th' "$MEASURED_LOG" | tail -n1 || true)
	[[ -n $line ]] || { cat "$MEASURED_LOG" >&2; peer_die "no summary line from ProducerPerformance"; }
	# Numbers in order: count rate MB avg max p50 50 p95 95 p99 99 p999 99.9
	read -r -a nums <<<"$(grep -oE '[0-9]+(\.[0-9]+)?' <<<"$line" | tr '\n' ' ')"
	ROWS+="peer $round ${nums[1]} ${nums[2]} ${nums[5]} ${nums[9]} ${nums[11]} $n $CLIENT_CPU $BROKER_CPU $MACHINE_BUSY $WALL $OTHER_CPU $STEADY_CLIENT $STEADY_BROKER $STEADY_MAIN $STEADY_NET"$'\n'
	peer_log "    ${nums[1]} records/s, p50 ${nums[5]} ms, p99 ${nums[9]} ms, client CPU ${CLIENT_CPU}s, broker CPU ${BROKER_CPU}s, other ${OTHER_CPU}s, machine busy ${MACHINE_BUSY}% over ${WALL}s; steady: client $STEADY_CLIENT cores (main thread $STEADY_MAIN, network thread $STEADY_NET), broker $STEADY_BROKER cores"
}

run_kbench() {
	local s=$1 acks=$2 round=$3 scen=$4 topic res rate mbs p50 p99 p999 acked
	topic=peer-${s}b-acks${acks}-r${round}-kbench
	new_topic "$topic" "$PEER_PARTITIONS"
	local outdir=$WORK/results/${s}B-acks${acks}-r${round}
	mkdir -p "$outdir"
	KB_CMD=(PEER_TOPIC="$topic" kbench run "$(basename "$scen")" --brokers "$BROKERS" --quiet --out "<tmp>/results")
	MEASURED_LOG=$WORK/run-${s}B-acks${acks}-r${round}-kbench.log
	peer_log "  round $round: kbench, $KBENCH_DURATION of $s B records, acks=$acks"
	local rc=0
	PEER_TOPIC=$topic measured "$KB" run "$scen" --brokers "$BROKERS" --quiet --out "$outdir" || rc=$?
	drop_topic "$topic"
	kbench_rc "$rc" "$MEASURED_LOG"
	res=$outdir/latest/result.json
	[[ -f $res ]] || res=$(find "$outdir" -name result.json | head -n1)
	[[ -n $res && -f $res ]] || { cat "$MEASURED_LOG" >&2; peer_die "no result.json from kbench"; }
	[[ $(json_get "$res" produce.errors) == 0 ]] || peer_log "    warning: kbench counted produce errors"
	rate=$(json_get "$res" produce.rate)
	mbs=$(awk -v b="$(json_get "$res" produce.throughput_bytes_per_s)" 'BEGIN {printf "%.2f", b / 1048576}')
	p50=$(awk -v u="$(json_get "$res" produce.latency_raw.p50_us)" 'BEGIN {printf "%.1f", u / 1000}')
	p99=$(awk -v u="$(json_get "$res" produce.latency_raw.p99_us)" 'BEGIN {printf "%.1f", u / 1000}')
	p999=$(awk -v u="$(json_get "$res" produce.latency_raw.p999_us)" 'BEGIN {printf "%.1f", u / 1000}')
	acked=$(json_get "$res" produce.acked)
	ROWS+="kbench $round $rate $mbs $p50 $p99 $p999 $acked $CLIENT_CPU $BROKER_CPU $MACHINE_BUSY $WALL $OTHER_CPU $STEADY_CLIENT $STEADY_BROKER - -"$'\n'
	peer_log "    $(fmt_num "$rate") records/s, p50 $p50 ms, p99 $p99 ms, client CPU ${CLIENT_CPU}s, broker CPU ${BROKER_CPU}s, other ${OTHER_CPU}s, machine busy ${MACHINE_BUSY}% over ${WALL}s; steady: client $STEADY_CLIENT cores, broker $STEADY_BROKER cores"
}

# col TOOL FIELD prints one field (1-based, as in ROWS) of every run of TOOL.
col() { awk -v t="$1" -v f="$2" '$1 == t {print $f}' <<<"$ROWS"; }
# per_m TOOL FIELD: that CPU field per million records of each run.
per_m() { awk -v t="$1" -v f="$2" '$1 == t {printf "%.3f\n", $f / $8 * 1e6}' <<<"$ROWS"; }
# num_col TOOL FIELD: like col, without "-" entries.
num_col() { awk -v t="$1" -v f="$2" '$1 == t && $f != "-" {print $f}' <<<"$ROWS"; }
# steady_per_m CORES RATE: steady client CPU-s per million records.
steady_per_m() { awk -v c="$1" -v r="$2" 'BEGIN {if (c == "-" || r + 0 == 0) print "-"; else printf "%.2f\n", c / r * 1e6}'; }
# steady_col TOOL: steady client CPU-s per million records of each run.
steady_col() { awk -v t="$1" '$1 == t && $14 != "-" && $3 > 0 {printf "%.3f\n", $14 / $3 * 1e6}' <<<"$ROWS"; }
# round_ratio EXPR: median over rounds of kbench/peer of a per-run value.
round_ratios() {
	awk -v mode="$1" '
		function val(   ) {
			if (mode == "cpu") return $9 / $8 * 1e6
			if (mode == "bcpu") return $10 / $8 * 1e6
			if (mode == "steady") return ($14 == "-" || $3 == 0) ? -1 : $14 / $3 * 1e6
			return $mode
		}
		$1 == "peer" {p[$2] = val()} $1 == "kbench" {k[$2] = val()}
		END {for (r in p) if ((r in k) && p[r] > 0 && k[r] >= 0) print k[r] / p[r]}' <<<"$ROWS"
}

goal() { awk -v r="$1" -v c="$2" 'BEGIN {print ((r != "-" && c != "-" && r >= 1.1 && c <= 0.5) ? "yes" : "no")}'; }

SUMMARY=
out "# kbench vs Apache Kafka's ProducerPerformance ($(date -u +%Y-%m-%d))"
out ""
out "kbench built from $KBENCH_REV."
out "One Apache Kafka $KAFKA_VERSION broker (KRaft, \`kbench cluster up\`, local process) on this machine:"
out "$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo 2>/dev/null || echo '?') of memory, shared by the broker, the client under test and anything else running."
out "$ROUNDS rounds per configuration, alternating (odd rounds peer first, even rounds kbench first); fresh topic per run ($PEER_PARTITIONS partitions, RF 1)."
out "Latency: peer from send() to callback (ms, whole numbers); kbench produce.latency_raw (actual send to ack)."
out "CPU: \"whole run\" = user+system seconds of the client process (JVM start-up, JIT and warmup included) per million records sent; \"steady\" = the client's cores (sampled from /proc from 4 s after the start to its exit) divided by its steady-state records/s. JVM main thread = the thread running ProducerPerformance's loop and send(). Broker CPU from /proc of the broker JVM; machine busy = share of all cores busy during the run; other cores = cores used by neither the client nor the broker (other work on this machine)."
for s in $SIZES; do
	for acks in $ACKS_LIST; do
		peer_log "configuration: $s B records, acks=$acks"
		scen=$(scenario "$s" "$acks")
		ROWS=
		for ((round = 1; round <= ROUNDS; round++)); do
			if ((round % 2)); then
				run_peer "$s" "$acks" "$round"
				run_kbench "$s" "$acks" "$round" "$scen"
			else
				run_kbench "$s" "$acks" "$round" "$scen"
				run_peer "$s" "$acks" "$round"
			fi
		done
		printf '%s' "$ROWS" >"$WORK/rows-${s}B-acks${acks}.txt"
		out ""
		out "## $s B records, acks=$acks (lz4, linger $LINGER_MS ms, batch $BATCH_BYTES B, $MAX_IN_FLIGHT in flight, idempotence $([[ $acks == 1 ]] && echo off || echo on))"
		out ""
		out "| round | tool | records | records/s | MB/s | p50 ms | p99 ms | p99.9 ms | client CPU-s / M records (whole run) | client CPU-s / M records (steady) | client cores (steady) | JVM main thread cores | broker cores (steady) | broker CPU-s / M records | machine busy | other cores |"
		out "|------:|------|--------:|----------:|-----:|-------:|-------:|---------:|----------------:|-----------------:|------:|------:|------:|------:|-----:|------:|"
		while read -r tool round rate mbs p50 p99 p999 recs ccpu bcpu busy wall other sc sb sm _; do
			[[ -n $tool ]] || continue
			out "| $round | $tool | $recs | $(fmt_num "$rate") | $mbs | $p50 | $p99 | $p999 | $(awk -v c="$ccpu" -v n="$recs" 'BEGIN {printf "%.2f", c / n * 1e6}') | $(steady_per_m "$sc" "$rate") | $sc | $sm | $sb | $(awk -v c="$bcpu" -v n="$recs" 'BEGIN {printf "%.2f", c / n * 1e6}') | $busy% | $(awk -v o="$other" -v w="$wall" 'BEGIN {printf "%.2f", o / w}') |"
		done <<<"$ROWS"
		for tool in peer kbench; do
			# shellcheck disable=SC2046
			out "| median | **$tool** | | **$(fmt_num "$(median $(col $tool 3))")** | $(fmt_num "$(median $(col $tool 4))" 2) | $(median $(col $tool 5)) | $(median $(col $tool 6)) | $(median $(col $tool 7)) | **$(fmt_num "$(median $(per_m $tool 9))" 2)** | **$(fmt_num "$(median $(steady_col $tool))" 2)** | $(median $(num_col $tool 14)) | $(median $(num_col $tool 16)) | $(median $(num_col $tool 15)) | $(fmt_num "$(median $(per_m $tool 10))" 2) | $(median $(col $tool 11))% | |"
		done
		# shellcheck disable=SC2046
		r_rate=$(fmt_num "$(median $(round_ratios 3))" 2)
		# shellcheck disable=SC2046
		r_cpu=$(fmt_num "$(median $(round_ratios cpu))" 2)
		# shellcheck disable=SC2046
		r_steady=$(fmt_num "$(median $(round_ratios steady))" 2)
		# shellcheck disable=SC2046
		out "| ratio | **kbench/peer** | | **${r_rate}×** | $(fmt_num "$(median $(round_ratios 4))" 2)× | $(fmt_num "$(median $(round_ratios 5))" 2)× | $(fmt_num "$(median $(round_ratios 6))" 2)× | | **${r_cpu}×** | **${r_steady}×** | | | | $(fmt_num "$(median $(round_ratios bcpu))" 2)× | | |"
		out ""
		out "(ratios: median over rounds of kbench/peer within the round)"
		out ""
		out "Peer command (one run):"
		out ""
		out '```'
		out "${PEER_CMD[*]}"
		out '```'
		out ""
		out "kbench command (one run) and scenario:"
		out ""
		out '```'
		out "${KB_CMD[*]}"
		out '```'
		out ""
		out '```yaml'
		while IFS= read -r l; do out "$l"; done <"$scen"
		out '```'
		# shellcheck disable=SC2046
		SUMMARY+="| $s B, acks=$acks | $(fmt_num "$(median $(col peer 3))") | $(fmt_num "$(median $(col kbench 3))") | **${r_rate}×** | $(fmt_num "$(median $(per_m peer 9))" 2) | $(fmt_num "$(median $(per_m kbench 9))" 2) | **${r_cpu}×** | $(fmt_num "$(median $(steady_col peer))" 2) | $(fmt_num "$(median $(steady_col kbench))" 2) | **${r_steady}×** | $(goal "$r_rate" "$r_cpu") / $(goal "$r_rate" "$r_steady") |"$'\n'
	done
done

out ""
out "## Summary (medians; goal: kbench ≥ 1.1× the peer's records/s and ≤ 0.5× its client CPU per record)"
out ""
out "| configuration | peer records/s | kbench records/s | kbench/peer records/s | peer CPU-s / M (whole run) | kbench CPU-s / M (whole run) | kbench/peer CPU per record (whole run) | peer CPU-s / M (steady) | kbench CPU-s / M (steady) | kbench/peer CPU per record (steady) | goal met (whole run / steady) |"
out "|---------------|------:|------:|------:|------:|------:|------:|------:|------:|------:|:------:|"
while IFS= read -r l; do [[ -n $l ]] && out "$l"; done <<<"$SUMMARY"
out ""
out "Report: $REPORT"
