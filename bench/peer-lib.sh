# shellcheck shell=bash disable=SC2034
# (SC2034: the globals set here are read by the scripts that source this.)
# Shared helpers of bench/peer-producer.sh and bench/peer-e2e.sh: build
# kbench, start one real Apache Kafka broker with `kbench cluster up` (and
# always stop it again), measure CPU from /proc, read result.json, take
# medians. Sourced, not run.
#
# Needs: Go, Java 17 (Maven the first time, for the jars), GNU time
# (/usr/bin/time; installed with apt-get when missing and possible), awk.

PEER_CLUSTER=peer-bench
PEER_PARTITIONS=${PEER_PARTITIONS:-6}
PEER_HEAP=${PEER_HEAP:-1g}

# peer_log prints a progress line on standard error (standard output carries
# the Markdown report).
peer_log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

peer_die() { peer_log "error: $*"; exit 1; }

# peer_setup builds kbench into a fresh temporary folder, starts the broker
# and sets KB (the kbench binary), WORK (the temporary folder), BROKERS, CP
# (Kafka's class path) and CLK_TCK. The EXIT trap it installs stops the
# broker on any exit: success, failure (set -e) or Ctrl-C / SIGTERM.
peer_setup() {
	command -v go >/dev/null || peer_die "go not found"
	command -v java >/dev/null || peer_die "java not found (Java 17 or newer is needed)"
	if [[ ! -x /usr/bin/time ]]; then
		if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
			peer_log "installing GNU time (Debian package time) to measure client CPU"
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >&2 ||
				{ apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >&2; }
		fi
		[[ -x /usr/bin/time ]] || peer_die "/usr/bin/time (GNU time) is needed to measure client CPU: install the 'time' package"
	fi
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/kbench-peer.XXXXXX")
	KB=$WORK/kbench
	CLUSTER_STARTED=0
	trap peer_cleanup EXIT
	trap 'peer_log "interrupted"; exit 130' INT
	trap 'peer_log "terminated"; exit 143' TERM

	peer_log "building kbench"
	go build -o "$KB" ./cmd/kbench
	# What was measured: the commit, and whether the tree had changes.
	KBENCH_REV=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
	git diff --quiet HEAD 2>/dev/null || KBENCH_REV="$KBENCH_REV + uncommitted changes"
	CLK_TCK=$(getconf CLK_TCK)

	if "$KB" cluster status --name "$PEER_CLUSTER" >/dev/null 2>&1; then
		peer_log "a cluster named $PEER_CLUSTER is already running (left by an earlier run?): stopping it first"
		"$KB" cluster down --name "$PEER_CLUSTER" >&2 || true
	fi
	peer_log "starting one Apache Kafka broker (kbench cluster up --name $PEER_CLUSTER)"
	CLUSTER_STARTED=1
	"$KB" cluster up --name "$PEER_CLUSTER" >"$WORK/cluster-up.txt" 2>&1 ||
		{ cat "$WORK/cluster-up.txt" >&2; peer_die "kbench cluster up failed"; }
	BROKERS=$("$KB" cluster status --name "$PEER_CLUSTER" | awk '/^brokers:/ {print $2}')
	[[ -n $BROKERS ]] || peer_die "no broker address from kbench cluster status"
	CP=$("$KB" cluster classpath 2>/dev/null)
	KAFKA_VERSION=$("$KB" cluster status --name "$PEER_CLUSTER" | sed -nE '1s/^Apache Kafka ([^,]+),.*/\1/p')
	peer_find_broker_pid
	peer_log "broker up at $BROKERS (Apache Kafka $KAFKA_VERSION, pid ${BROKER_PID:-unknown})"
}

# peer_cleanup runs on every exit: it stops the broker and checks that none
# of this cluster's processes is left.
peer_cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	# A client still running (interrupted run): stop it and GNU time.
	if [[ -n ${CHILD_PID:-} ]]; then
		local c
		for c in $(pgrep -P "$CHILD_PID" 2>/dev/null || true); do kill -TERM "$c" 2>/dev/null || true; done
		kill -TERM "$CHILD_PID" 2>/dev/null || true
		wait "$CHILD_PID" 2>/dev/null || true
	fi
	[[ -z ${SAMPLER_PID:-} ]] || kill "$SAMPLER_PID" 2>/dev/null || true
	if [[ ${CLUSTER_STARTED:-0} == 1 ]]; then
		peer_log "stopping the broker (kbench cluster down --name $PEER_CLUSTER)"
		"$KB" cluster down --name "$PEER_CLUSTER" >&2 || true
		# `kbench cluster up` interrupted before the cluster was up leaves its
		# holder (`kbench cluster serve`, in its own session) starting the
		# broker with no cluster.json yet, so `cluster down` does not see it.
		# Our holder runs our own kbench binary: stop it by pid (SIGTERM stops
		# its brokers), then SIGKILL it and its children if it lingers.
		local holders h i
		holders=$(pgrep -f "^$KB cluster serve --name $PEER_CLUSTER( |$)" 2>/dev/null || true)
		if [[ -n $holders ]]; then
			peer_log "stopping the cluster holder left by an interrupted start (pid $holders)"
			for h in $holders; do kill -TERM "$h" 2>/dev/null || true; done
			for ((i = 0; i < 80; i++)); do
				holders=$(pgrep -f "^$KB cluster serve --name $PEER_CLUSTER( |$)" 2>/dev/null || true)
				[[ -n $holders ]] || break
				sleep 0.5
			done
			for h in $holders; do
				for i in $(pgrep -P "$h" 2>/dev/null || true); do kill -KILL "$i" 2>/dev/null || true; done
				kill -KILL "$h" 2>/dev/null || true
			done
			"$KB" cluster down --name "$PEER_CLUSTER" >/dev/null 2>&1 || true
		fi
		if [[ -n ${BROKER_PID:-} ]] && kill -0 "$BROKER_PID" 2>/dev/null; then
			peer_log "warning: broker pid $BROKER_PID still runs after kbench cluster down; sending SIGKILL"
			kill -KILL "$BROKER_PID" 2>/dev/null || true
		fi
	fi
	if [[ -n ${WORK:-} && -d $WORK ]]; then
		if [[ ${PEER_KEEP:-1} == 1 ]]; then
			peer_log "raw logs, scenarios and kbench results kept in $WORK"
			rm -f "$KB"
		else
			rm -rf "$WORK"
		fi
	fi
	exit "$rc"
}

# cluster_dir is kbench's state folder for the cluster (containers.CacheDir:
# KBENCH_CACHE, else the user cache folder).
cluster_dir() {
	local base=${KBENCH_CACHE:-}
	if [[ -z $base ]]; then
		if [[ $(uname) == Darwin ]]; then base=$HOME/Library/Caches/kbench; else base=${XDG_CACHE_HOME:-$HOME/.cache}/kbench; fi
	fi
	printf '%s/clusters/%s\n' "$base" "$PEER_CLUSTER"
}

# peer_find_broker_pid sets BROKER_PID: the JVM running kafka.Kafka under the
# holder process named in cluster.json. Empty where /proc is missing.
peer_find_broker_pid() {
	BROKER_PID=
	[[ -d /proc/self ]] || return 0
	local holder p
	holder=$(json_get "$(cluster_dir)/cluster.json" pid 2>/dev/null || true)
	[[ -n $holder ]] || return 0
	for p in $(pgrep -P "$holder" 2>/dev/null || true); do
		if tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -q 'kafka\.Kafka'; then
			BROKER_PID=$p
			return 0
		fi
	done
}

# proc_ticks PID prints the process's user+system CPU in clock ticks.
proc_ticks() {
	[[ -n ${1:-} && -r /proc/$1/stat ]] || { echo 0; return; }
	# Fields after "pid (comm) ": state is 1st, utime 12th, stime 13th.
	sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'
}

# machine_ticks prints "busy total" clock ticks of all cores from /proc/stat.
machine_ticks() {
	[[ -r /proc/stat ]] || { echo "0 0"; return; }
	awk '/^cpu / {t = 0; for (i = 2; i <= NF; i++) t += $i; print t - $5 - $6, t; exit}' /proc/stat
}

# ticks_of FILE sets TICKS to the user+system clock ticks in a /proc stat
# file (0 when unreadable); shell builtins only, so the sampler stays light.
ticks_of() {
	local l a
	TICKS=0
	read -r l <"$1" 2>/dev/null || return 0
	l=${l##*) }
	read -r -a a <<<"$l"
	TICKS=$((a[11] + a[12]))
}

# sampler TIMEPID prints, every 0.5 s while the client under TIMEPID (GNU
# time's child) runs: seconds since the epoch, the client's CPU ticks, the
# broker's, and for a JVM its busiest thread named "java" (the main thread,
# which runs ProducerPerformance's loop and KafkaProducer.send) and its
# producer network thread (comm "kafka-producer-").
sampler() {
	local cpid="" i t comm main net c b maxmain=0 maxnet=0
	for ((i = 0; i < 100; i++)); do
		cpid=$(pgrep -P "$1" 2>/dev/null | head -n1 || true)
		[[ -n $cpid ]] && break
		sleep 0.05
	done
	[[ -n $cpid ]] || return 0
	while [[ -r /proc/$cpid/stat ]]; do
		ticks_of "/proc/$cpid/stat"
		c=$TICKS
		ticks_of "/proc/${BROKER_PID:-0}/stat"
		b=$TICKS
		main=0 net=0
		for t in /proc/"$cpid"/task/*; do
			read -r comm <"$t/comm" 2>/dev/null || continue
			case $comm in
			java)
				ticks_of "$t/stat"
				((TICKS > main)) && main=$TICKS
				;;
			kafka-producer-*)
				ticks_of "$t/stat"
				net=$((net + TICKS))
				;;
			esac
		done
		# Threads end before the process (the network thread at close()):
		# keep the largest reading, as ticks only grow.
		((main > maxmain)) && maxmain=$main
		((net > maxnet)) && maxnet=$net
		[[ -r /proc/$cpid/stat ]] && echo "${EPOCHREALTIME:-$(date +%s)} $c $b $maxmain $maxnet"
		sleep 0.5
	done
}

# measured CMD... runs a client command under GNU time and records, in
# globals, the costs of that run: CLIENT_CPU (s, whole process), BROKER_CPU
# (s), OTHER_CPU (s: the rest of the machine), MACHINE_BUSY (% of all
# cores), WALL (s); and, over the steady part of the run (from STEADY_AFTER
# seconds after the start, default 4, to the last sample before the client
# exits), STEADY_CLIENT, STEADY_BROKER, STEADY_MAIN, STEADY_NET: cores used
# by the client, the broker, and a JVM's main and network threads ("-"
# when the run was too short). Standard output and error of CMD go to
# $MEASURED_LOG.
measured() {
	local b0 b1 m0 m1 t0 t1 rc=0
	b0=$(proc_ticks "${BROKER_PID:-}")
	m0=$(machine_ticks)
	t0=${EPOCHREALTIME:-$(date +%s)}
	/usr/bin/time -f '%U %S' -o "$MEASURED_LOG.time" "$@" >"$MEASURED_LOG" 2>&1 &
	CHILD_PID=$!
	sampler "$CHILD_PID" >"$MEASURED_LOG.samples" &
	SAMPLER_PID=$!
	wait "$CHILD_PID" || rc=$?
	CHILD_PID=
	wait "$SAMPLER_PID" 2>/dev/null || true
	SAMPLER_PID=
	t1=${EPOCHREALTIME:-$(date +%s)}
	b1=$(proc_ticks "${BROKER_PID:-}")
	m1=$(machine_ticks)
	CLIENT_CPU=$(awk 'NF == 2 && $1 ~ /^[0-9.]+$/ {u = $1; s = $2} END {printf "%.2f", u + s}' "$MEASURED_LOG.time")
	BROKER_CPU=$(awk -v a="$b0" -v b="$b1" -v hz="$CLK_TCK" 'BEGIN {printf "%.2f", (b - a) / hz}')
	WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", b - a}')
	# CPU-seconds used on the machine by neither the client nor the broker
	# (other processes, the kernel's own work not charged to either).
	OTHER_CPU=$(awk -v a="$m0" -v b="$m1" -v hz="$CLK_TCK" -v c="$CLIENT_CPU" -v br="$BROKER_CPU" 'BEGIN {
		split(a, x, " "); split(b, y, " "); o = (y[1] - x[1]) / hz - c - br; printf "%.2f", (o < 0 ? 0 : o)}')
	MACHINE_BUSY=$(awk -v a="$m0" -v b="$m1" 'BEGIN {split(a, x, " "); split(b, y, " "); d = y[2] - x[2];
		printf "%.0f", (d > 0 ? 100 * (y[1] - x[1]) / d : 0)}')
	read -r STEADY_CLIENT STEADY_BROKER STEADY_MAIN STEADY_NET < <(awk -v t0="$t0" -v after="${STEADY_AFTER:-4}" -v hz="$CLK_TCK" '
		$1 - t0 >= after && !n {a1 = $1; a2 = $2; a3 = $3; a4 = $4; a5 = $5; n = 1}
		{z1 = $1; z2 = $2; z3 = $3; z4 = $4; z5 = $5}
		END {
			d = z1 - a1
			if (!n || d < 2) {print "- - - -"; exit}
			printf "%.2f %.2f %.2f %.2f\n", (z2 - a2) / hz / d, (z3 - a3) / hz / d, (z4 - a4) / hz / d, (z5 - a5) / hz / d
		}' "$MEASURED_LOG.samples")
	return "$rc"
}

# kafka_topics ARGS... runs Apache Kafka's topic tool (kafka-topics.sh).
kafka_topics() {
	java -Xmx256m -cp "$CP" org.apache.kafka.tools.TopicCommand --bootstrap-server "$BROKERS" "$@"
}

# new_topic NAME PARTITIONS creates a fresh topic (replication factor 1).
new_topic() {
	local o
	o=$(kafka_topics --create --topic "$1" --partitions "$2" --replication-factor 1 2>&1) ||
		{ printf '%s\n' "$o" >&2; peer_die "could not create topic $1"; }
}

# drop_topic NAME deletes a topic, so that disks do not fill up over a matrix.
drop_topic() { kafka_topics --delete --topic "$1" >/dev/null 2>&1 || peer_log "warning: could not delete topic $1"; }

# json_get FILE PATH prints the value at a dotted PATH (e.g.
# produce.latency_raw.p50_us) of an indented JSON file such as kbench's
# result.json (one key per line). Arrays are not indexed.
json_get() {
	awk -v want="$2" '
		function path(   i, p) { p = ""; for (i = 1; i <= d; i++) p = (p == "" ? k[i] : p "." k[i]); return p }
		{
			s = $0; sub(/^[ \t]+/, "", s); key = ""; v = s
			if (s ~ /^"[^"]*":/) { key = s; sub(/^"/, "", key); sub(/".*$/, "", key); sub(/^"[^"]*":[ \t]*/, "", v) }
			if (v ~ /^[{[]/ && v !~ /^[{[].*[]}],?$/) {
				if (!top) { top = 1; next }    # the outermost object has no key
				d++; k[d] = (key == "" ? "[]" : key); next
			}
			if (v ~ /^[]}]/) { d--; next }
			if (key != "") {
				sub(/,$/, "", v); gsub(/"/, "", v)
				p = path(); p = (p == "" ? key : p "." key)
				if (p == want) { print v; found = 1; exit }
			}
		}
		END { if (!found) exit 1 }' "$1"
}

# kbench_rc RC LOG judges `kbench run`'s exit code: 0 passed; 1 (a gate
# failed) and 2 (its delivery verification found a problem) still wrote the
# figures, which are used, with a warning; anything else stops the script.
kbench_rc() {
	case $1 in
	0) ;;
	1 | 2) peer_log "    warning: kbench run exited $1 ($([[ $1 == 1 ]] && echo 'a gate failed' || echo 'its delivery verification found a problem')); figures still read; see $2" ;;
	*)
		tail -n 30 "$2" >&2
		peer_die "kbench run failed (exit $1)"
		;;
	esac
}

# median V... prints the median of numbers (the mean of the middle two for an
# even count); "-" when there are none.
median() {
	[[ $# -gt 0 ]] || { echo -; return; }
	printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}

# fmt_num X DECIMALS formats a number.
fmt_num() { awk -v x="$1" -v d="${2:-0}" 'BEGIN {if (x == "-" || x == "") print "-"; else printf "%.*f\n", d, x}'; }

# ratio A B prints A/B with two decimals.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b + 0 == 0) print "-"; else printf "%.2f\n", a / b}'; }
