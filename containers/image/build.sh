#!/usr/bin/env bash
# build.sh builds the Docker image kbench/kafka:<version>-local without
# pulling anything: a root filesystem assembled from this machine's Java 17+
# runtime (trimmed with jlink when the JDK's jmods are present) and the Apache
# Kafka jars kbench fetches with Maven (the same jars the process runtime
# runs), imported with `docker import`.
#
#   containers/image/build.sh [--force] [VERSION]
#
# VERSION defaults to containers.DefaultKafkaVersion. An existing tag is kept
# unless --force is given. Use the image with
#
#   KBENCH_KAFKA_RUNTIME=docker KBENCH_KAFKA_IMAGE=kbench/kafka:<version>-local
#
# The layout mirrors the official apache/kafka image, so kbench's Docker
# runtime drives both the same way: jars in /opt/kafka/libs, scripts in
# /opt/kafka/bin (kafka-storage.sh, kafka-server-start.sh, kafka-run-class.sh
# and a few tools), data in /var/lib/kafka/data, user appuser, and a default
# command (/etc/kafka/docker/run) that runs a single-node broker on 9092.
# The scripts honour KAFKA_HEAP_OPTS, KAFKA_JVM_PERFORMANCE_OPTS,
# KAFKA_LOG4J_OPTS, KAFKA_JMX_OPTS, KAFKA_OPTS and JAVA_HOME like Kafka's own.
#
# Needs: a running Docker daemon (see docker-setup.sh), Java 17+, Go, and
# Maven unless the jars are cached or KBENCH_KAFKA_LIBS names them.
set -euo pipefail

# DEFAULT_VERSION must equal containers.DefaultKafkaVersion (a test checks).
DEFAULT_VERSION=4.4.0

usage() { echo "usage: $0 [--force] [VERSION]   (default VERSION $DEFAULT_VERSION)"; }

force=0
version=$DEFAULT_VERSION
for arg in "$@"; do
  case $arg in
    --force) force=1 ;;
    -h | --help) usage; exit 0 ;;
    -*) usage >&2; exit 2 ;;
    *) version=$arg ;;
  esac
done
case $version in
  *[!0-9A-Za-z.-]* | "") echo "build.sh: invalid version '$version'" >&2; exit 2 ;;
esac
tag="kbench/kafka:${version}-local"
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)

if ! docker info >/dev/null 2>&1; then
  echo "build.sh: Docker is not running (containers/image/docker-setup.sh starts it)" >&2
  exit 1
fi
if [ "$force" = 0 ] && docker image inspect "$tag" >/dev/null 2>&1; then
  echo "build.sh: $tag exists (--force rebuilds it)"
  exit 0
fi
start=$(date +%s)

java=$(command -v java) || { echo "build.sh: java not found: install Java 17 or newer" >&2; exit 1; }
java_home=$(dirname "$(dirname "$(readlink -f "$java")")")
java_major=$("$java_home/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1)
if [ -z "$java_major" ] || [ "$java_major" -lt 17 ]; then
  echo "build.sh: $java_home is Java '${java_major:-?}'; Kafka $version needs 17 or newer" >&2
  exit 1
fi

echo "build.sh: Kafka $version jars"
libs=$(cd "$repo" && go run ./containers/image/fetchlibs -version "$version")
ls "$libs"/kafka_2.13-*.jar >/dev/null

work=$(mktemp -d "${TMPDIR:-/tmp}/kbench-image.XXXXXX")
trap 'rm -rf "$work"' EXIT
root=$work/rootfs
mkdir -p "$root"/{bin,etc,tmp,root,opt/java,opt/kafka/bin,opt/kafka/libs,opt/kafka/config,opt/kafka/logs} \
  "$root"/{var/lib/kafka/data,etc/kafka/docker,etc/kafka/secrets,mnt/shared/config,home/appuser,usr/logs}
chmod 1777 "$root/tmp"
chmod 700 "$root/root"

# The Java runtime, at /opt/java/openjdk as in the Eclipse Temurin images the
# official image builds on.
jre=$root/opt/java/openjdk
if [ -x "$java_home/bin/jlink" ] && [ -d "$java_home/jmods" ]; then
  echo "build.sh: Java $java_major runtime from $java_home (jlink)"
  # java.se plus the JDK modules a broker and its tools may load (crypto
  # providers, Kerberos and JAAS, management and JFR, Unsafe, DNS naming).
  modules=java.se,jdk.crypto.ec,jdk.crypto.cryptoki,jdk.security.auth,jdk.security.jgss,jdk.management,jdk.management.agent,jdk.management.jfr,jdk.jfr,jdk.naming.dns,jdk.net,jdk.unsupported,jdk.zipfs,jdk.charsets,jdk.attach,jdk.jcmd
  "$java_home/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
    --compress=2 --output "$jre"
else
  echo "build.sh: Java $java_major runtime copied from $java_home (no jmods for jlink)"
  mkdir -p "$jre"
  # Follow links (Debian links conf files into /etc) but skip dangling ones.
  excludes=(--exclude=./jmods --exclude=./lib/src.zip --exclude=./demo --exclude=./man --exclude=./include --exclude=./docs)
  while IFS= read -r l; do excludes+=("--exclude=./${l#"$java_home"/}"); done < <(find -L "$java_home" -type l)
  tar -C "$java_home" -chf - "${excludes[@]}" . | tar -C "$jre" -xf -
fi
# Native libraries only a desktop uses; dropping them drops their X11,
# sound and font dependencies.
rm -f "$jre"/lib/{libawt_xawt,libjawt,libsplashscreen,libjsound,libatk-wrapper,libfontmanager,liblcms,libjavajpeg}.so
# A class data sharing archive makes every JVM start faster.
"$jre/bin/java" -Xshare:dump >/dev/null 2>&1 || echo "build.sh: no CDS archive (continuing)"

# /bin/sh: dash (or whatever /bin/sh is) from this machine, and busybox's
# tools when it is installed, for `docker exec` debugging.
sh_bin=$(readlink -f "$(command -v dash || echo /bin/sh)")
cp "$sh_bin" "$root/bin/sh"
if bb=$(command -v busybox); then
  cp "$(readlink -f "$bb")" "$root/bin/busybox"
  for applet in $("$bb" --list); do
    [ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
  done
fi

# The shared libraries the runtime and the shell link against, at the same
# paths, and the dynamic loader.
{
  ldd "$root/bin/sh"
  [ -e "$root/bin/busybox" ] && ldd "$root/bin/busybox"
  find "$jre" -type f \( -name '*.so' -o -path '*/bin/*' \) -exec ldd {} \;
} 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' | sort -u |
  while IFS= read -r lib; do
    case $lib in "$root"/*) continue ;; esac
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
# glibc loads libgcc_s at run time (thread cancellation, unwinding).
for dir in /lib/x86_64-linux-gnu /usr/lib/x86_64-linux-gnu /lib/aarch64-linux-gnu /usr/lib/aarch64-linux-gnu /lib64 /usr/lib64; do
  if [ -e "$dir/libgcc_s.so.1" ]; then
    mkdir -p "$root$dir"
    cp -L "$dir/libgcc_s.so.1" "$root$dir/"
    break
  fi
done

cat >"$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
appuser:x:1000:1000:appuser:/home/appuser:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat >"$root/etc/group" <<'EOF'
root:x:0:
appuser:x:1000:
nogroup:x:65534:
EOF
echo "passwd: files
group: files
hosts: files dns" >"$root/etc/nsswitch.conf"

# Kafka: jars and scripts.
cp "$libs"/*.jar "$root/opt/kafka/libs/"
echo "$version" >"$root/opt/kafka/VERSION"

cat >"$root/opt/kafka/bin/kafka-run-class.sh" <<'EOF'
#!/bin/sh
# Runs a Java main class with the Kafka jars (kbench's small stand-in for
# Apache Kafka's script). It honours the same variables: JAVA_HOME,
# KAFKA_HEAP_OPTS (default -Xmx256M), KAFKA_JVM_PERFORMANCE_OPTS,
# KAFKA_JMX_OPTS, KAFKA_LOG4J_OPTS (default: log4j2 at WARN on stderr) and
# KAFKA_OPTS. The -daemon, -name and -loggc options are not supported.
set -f # the *_OPTS variables are split into words but never globbed
if [ $# -lt 1 ]; then
  echo "USAGE: $0 classname [opts]" >&2
  exit 1
fi
: "${JAVA_HOME:=/opt/java/openjdk}"
: "${KAFKA_HEAP_OPTS:=-Xmx256M}"
: "${KAFKA_JVM_PERFORMANCE_OPTS:=-server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -XX:MaxInlineLevel=15 -Djava.awt.headless=true}"
: "${KAFKA_LOG4J_OPTS:=-Dlog4j2.configurationFile=/opt/kafka/config/log4j2.properties}"
exec "$JAVA_HOME/bin/java" $KAFKA_HEAP_OPTS $KAFKA_JVM_PERFORMANCE_OPTS $KAFKA_JMX_OPTS $KAFKA_LOG4J_OPTS \
  -cp '/opt/kafka/libs/*' $KAFKA_OPTS "$@"
EOF
cat >"$root/opt/kafka/bin/kafka-server-start.sh" <<'EOF'
#!/bin/sh
# Starts a Kafka broker (kafka.Kafka); KAFKA_HEAP_OPTS defaults to 1 GiB as
# in Apache Kafka's script.
if [ $# -lt 1 ]; then
  echo "USAGE: $0 server.properties [--override property=value]*" >&2
  exit 1
fi
: "${KAFKA_HEAP_OPTS:=-Xmx1G -Xms1G}"
export KAFKA_HEAP_OPTS
exec /opt/kafka/bin/kafka-run-class.sh kafka.Kafka "$@"
EOF
tool() { # tool NAME CLASS
  printf '#!/bin/sh\nexec /opt/kafka/bin/kafka-run-class.sh %s "$@"\n' "$2" >"$root/opt/kafka/bin/$1"
}
tool kafka-storage.sh kafka.tools.StorageTool
tool kafka-topics.sh org.apache.kafka.tools.TopicCommand
tool kafka-producer-perf-test.sh org.apache.kafka.tools.ProducerPerformance
tool kafka-consumer-perf-test.sh org.apache.kafka.tools.ConsumerPerformance
tool kafka-e2e-latency.sh org.apache.kafka.tools.EndToEndLatency
chmod 755 "$root"/opt/kafka/bin/*.sh

cat >"$root/opt/kafka/config/log4j2.properties" <<'EOF'
# Warnings and errors on stderr (docker logs).
rootLogger.level=WARN
rootLogger.appenderRef.stderr.ref=STDERR
appender.stderr.type=Console
appender.stderr.name=STDERR
appender.stderr.target=SYSTEM_ERR
appender.stderr.layout.type=PatternLayout
appender.stderr.layout.pattern=[%d] %p %m (%c)%n
EOF

# The default command: one KRaft broker/controller, clients on 9092.
cat >"$root/etc/kafka/docker/server.properties" <<'EOF'
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@localhost:9093
listeners=PLAINTEXT://:9092,CONTROLLER://:9093
advertised.listeners=PLAINTEXT://localhost:9092
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=/var/lib/kafka/data
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
EOF
cat >"$root/etc/kafka/docker/run" <<'EOF'
#!/bin/sh
# Formats /var/lib/kafka/data once (cluster id: $CLUSTER_ID or a new one) and
# runs a single-node broker with /etc/kafka/docker/server.properties.
set -e
conf=/etc/kafka/docker/server.properties
if [ ! -f /var/lib/kafka/data/meta.properties ]; then
  /opt/kafka/bin/kafka-storage.sh format --ignore-formatted -c "$conf" \
    -t "${CLUSTER_ID:-$(/opt/kafka/bin/kafka-storage.sh random-uuid)}"
fi
exec /opt/kafka/bin/kafka-server-start.sh "$conf"
EOF
chmod 755 "$root/etc/kafka/docker/run"

# Root owns everything but what the broker writes, which appuser (1000)
# owns, as in the official image.
user_dirs=(./var/lib/kafka ./etc/kafka ./mnt/shared/config ./home/appuser ./opt/kafka/logs ./usr/logs)
tar_excludes=()
for d in "${user_dirs[@]}"; do tar_excludes+=("--exclude=$d"); done
tar -C "$root" --numeric-owner --owner=0 --group=0 "${tar_excludes[@]}" -cf "$work/rootfs.tar" .
tar -C "$root" --numeric-owner --owner=1000 --group=1000 -rf "$work/rootfs.tar" "${user_dirs[@]}"

echo "build.sh: importing $tag"
old_id=$(docker image inspect --format '{{.Id}}' "$tag" 2>/dev/null || true)
docker import \
  --change 'ENV JAVA_HOME=/opt/java/openjdk' \
  --change 'ENV PATH=/opt/java/openjdk/bin:/opt/kafka/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'USER appuser' \
  --change 'EXPOSE 9092' \
  --change 'VOLUME ["/var/lib/kafka/data"]' \
  --change 'CMD ["/etc/kafka/docker/run"]' \
  --change "LABEL org.opencontainers.image.title=\"Apache Kafka $version (kbench local build)\" io.kbench.kafka.version=\"$version\"" \
  --message "kbench containers/image/build.sh: Apache Kafka $version, Java $java_major" \
  "$work/rootfs.tar" "$tag" >/dev/null

# Drop the image --force replaced, unless a container still uses it.
if [ -n "$old_id" ] && [ "$old_id" != "$(docker image inspect --format '{{.Id}}' "$tag")" ]; then
  docker rmi "$old_id" >/dev/null 2>&1 || true
fi
size=$(docker image inspect --format '{{.Size}}' "$tag")
echo "build.sh: built $tag ($((size / 1000000)) MB) in $(($(date +%s) - start))s"
