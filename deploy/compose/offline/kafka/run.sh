#!/bin/bash
# The apache/kafka image's configuration by environment, for a KRaft node.
set -euo pipefail
props=/opt/kafka/config/server.properties
: >"$props"
skip=" KAFKA_HEAP_OPTS KAFKA_OPTS KAFKA_JVM_PERFORMANCE_OPTS KAFKA_LOG4J_OPTS KAFKA_GC_LOG_OPTS KAFKA_JMX_OPTS "
while IFS='=' read -r name value; do
  [[ $name == KAFKA_* && $skip != *" $name "* ]] || continue
  key=${name#KAFKA_}
  key=${key//___/-}
  key=${key//__/@}
  key=${key//_/.}
  key=${key//@/_}
  printf '%s=%s\n' "${key,,}" "$value" >>"$props"
done < <(env)
grep -q '^log.dirs=' "$props" || echo "log.dirs=/var/lib/kafka/data" >>"$props"
cp=/opt/kafka/libs/*
log_dir=$(sed -n 's/^log.dirs=//p' "$props" | cut -d, -f1)
if [[ ! -f $log_dir/meta.properties ]]; then
  java -cp "$cp" kafka.tools.StorageTool format --ignore-formatted -t "${CLUSTER_ID:-5L6g3nShT-eMCtK--X86sw}" -c "$props"
fi
exec java ${KAFKA_HEAP_OPTS:--Xmx512m -Xms256m} ${KAFKA_OPTS:-} -cp "$cp" kafka.Kafka "$props"
