#!/usr/bin/env bash
# cleanup.sh removes what kbench's Docker runtime left behind when the
# process that started a cluster died before Close (a killed test binary,
# TESTCONTAINERS_RYUK_DISABLED=true): containers labelled io.kbench.cluster,
# with their volumes, and the clusters' networks.
#
#   containers/image/cleanup.sh              every kbench cluster on this Docker
#   containers/image/cleanup.sh CLUSTER_ID   one cluster (Kafka.ClusterID)
#
# It also removes clusters that are still in use: run it when no kbench run,
# test or `kbench cluster up` is using Docker.
set -euo pipefail

label=io.kbench.cluster
[ $# -gt 0 ] && label="io.kbench.cluster=$1"

mapfile -t containers < <(docker ps -aq --filter "label=$label")
if [ ${#containers[@]} -gt 0 ]; then
  echo "cleanup.sh: removing container(s) ${containers[*]}"
  docker rm -f -v "${containers[@]}" >/dev/null
fi
mapfile -t networks < <(docker network ls -q --filter "label=$label")
if [ ${#networks[@]} -gt 0 ]; then
  echo "cleanup.sh: removing network(s) ${networks[*]}"
  docker network rm "${networks[@]}" >/dev/null
fi
