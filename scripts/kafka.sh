#!/usr/bin/env bash
# Apache Kafka, single-node KRaft, from the jars of Maven Central (infra/kafka/pom.xml pins the version).
# Usage: scripts/kafka.sh fetch|start|stop|status
source "$(dirname "$0")/lib.sh"
KAFKA_HOME="$VAR/kafka"
LIBS="$KAFKA_HOME/libs"
DATA="$KAFKA_HOME/data"
CONF="$KAFKA_HOME/server.properties"

fetch() {
  local stamp="$LIBS/.pom.sha256" want
  want="$(sha256sum "$ROOT/infra/kafka/pom.xml" | cut -d' ' -f1)"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then return 0; fi
  command -v mvn >/dev/null || die "Maven (mvn) is needed to resolve the Kafka jars"
  log "resolving Kafka jars from Maven Central (cached in ~/.m2)"
  rm -rf "$LIBS" && mkdir -p "$LIBS"
  (cd "$ROOT/infra/kafka" && mvn -q -B -Dstyle.color=never dependency:copy-dependencies -DoutputDirectory="$LIBS" -DincludeScope=runtime) \
    || die "could not resolve the Kafka jars with Maven"
  echo "$want" > "$stamp"
}

configure() {
  mkdir -p "$DATA" "$LOGS/kafka"
  cat > "$CONF" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$DATA
num.partitions=3
# One broker: internal topics must have replication factor 1 or consumer groups never find a coordinator.
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
min.insync.replicas=1
# Topics are declared in packages/contracts/src/topics.ts and created by scripts/create-topics.ts.
auto.create.topics.enable=false
group.initial.rebalance.delay.ms=0
log.retention.hours=168
PROPS
}

java_cmd() {
  java -Xms256m -Xmx1g -Dkafka.logs.dir="$LOGS/kafka" -Dlog4j2.configurationFile="$ROOT/infra/kafka/log4j2.xml" \
    -cp "$LIBS/*" "$@"
}

start() {
  if pid_alive kafka && port_open "$KAFKA_PORT"; then log "Kafka already running on 127.0.0.1:$KAFKA_PORT"; return 0; fi
  if port_open "$KAFKA_PORT"; then die "port $KAFKA_PORT is taken by a process this project did not start (set IVR_KAFKA_PORT)"; fi
  command -v java >/dev/null || die "Java 17+ is needed to run Kafka"
  fetch
  configure
  if [[ ! -f "$DATA/meta.properties" ]]; then
    log "formatting KRaft storage"
    java_cmd kafka.tools.StorageTool format --standalone -t "$(java_cmd kafka.tools.StorageTool random-uuid)" -c "$CONF" \
      > "$LOGS/kafka/format.log" 2>&1 || die "formatting Kafka storage failed: $LOGS/kafka/format.log"
  fi
  log "starting Kafka on 127.0.0.1:$KAFKA_PORT"
  setsid bash -c "exec java -Xms256m -Xmx1g -XX:+UseG1GC -Dkafka.logs.dir='$LOGS/kafka' \
    -Dlog4j2.configurationFile='$ROOT/infra/kafka/log4j2.xml' -cp '$LIBS/*' kafka.Kafka '$CONF'" \
    > "$LOGS/kafka/stdout.log" 2>&1 < /dev/null &
  echo $! > "$PIDS/kafka.pid"
  wait_for "Kafka" 90 ready
  log "Kafka ready"
}

ready() { port_open "$KAFKA_PORT" && grep -q "Kafka Server started\|\[KafkaRaftServer nodeId=1\] Kafka Server started" "$LOGS/kafka/server.log" 2>/dev/null; }

stop() { stop_pid kafka 30; log "Kafka stopped"; }

status() { if pid_alive kafka && port_open "$KAFKA_PORT"; then echo "kafka: up (127.0.0.1:$KAFKA_PORT)"; else echo "kafka: down"; return 1; fi; }

case "${1:-}" in
  fetch) fetch ;; start) start ;; stop) stop ;; status) status ;;
  run-class) shift; fetch; java_cmd "$@" ;;
  *) die "usage: $0 fetch|start|stop|status|run-class CLASS ARGS" ;;
esac
