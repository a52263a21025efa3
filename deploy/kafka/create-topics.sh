#!/bin/sh
# Create the xinfang topics, one per service: <prefix>.intake, <prefix>.routing,
# <prefix>.supervision, <prefix>.reporting. Safe to run again (--if-not-exists); it never changes
# an existing topic (see deploy/README.md before changing the partition count of a live topic).
#
# Runs in the apache/kafka image (docker-compose.yml service "kafka-topics", Kubernetes Job
# "xinfang-create-topics"). It reads the same settings as the services:
#   XINFANG_KAFKA_BOOTSTRAP_SERVERS   default kafka:9092
#   XINFANG_TOPIC_PREFIX              default xinfang
#   XINFANG_PARTITIONS                default 3
# and, for the topics only:
#   TOPIC_REPLICATION_FACTOR          default 1 (use 3 on a production cluster)
#   TOPIC_MIN_INSYNC_REPLICAS         optional; 2 with a replication factor of 3
#   KAFKA_TOPICS                      path of kafka-topics.sh, default /opt/kafka/bin/kafka-topics.sh
#   KAFKA_COMMAND_CONFIG              optional client properties file (TLS/SASL) for kafka-topics.sh
#   WAIT_ATTEMPTS                     how many times to wait 2 s for the broker, default 60
set -eu

BOOTSTRAP="${XINFANG_KAFKA_BOOTSTRAP_SERVERS:-kafka:9092}"
PREFIX="${XINFANG_TOPIC_PREFIX:-xinfang}"
PARTITIONS="${XINFANG_PARTITIONS:-3}"
REPLICATION_FACTOR="${TOPIC_REPLICATION_FACTOR:-1}"
MIN_INSYNC="${TOPIC_MIN_INSYNC_REPLICAS:-}"
KAFKA_TOPICS="${KAFKA_TOPICS:-/opt/kafka/bin/kafka-topics.sh}"
WAIT_ATTEMPTS="${WAIT_ATTEMPTS:-60}"
SERVICES="intake routing supervision reporting"

topics() {
    if [ -n "${KAFKA_COMMAND_CONFIG:-}" ]; then
        "$KAFKA_TOPICS" --bootstrap-server "$BOOTSTRAP" --command-config "$KAFKA_COMMAND_CONFIG" "$@"
    else
        "$KAFKA_TOPICS" --bootstrap-server "$BOOTSTRAP" "$@"
    fi
}

attempt=1
until topics --list > /dev/null 2>&1; do
    if [ "$attempt" -ge "$WAIT_ATTEMPTS" ]; then
        echo "create-topics: Kafka at $BOOTSTRAP is not answering, giving up" >&2
        exit 1
    fi
    echo "create-topics: waiting for Kafka at $BOOTSTRAP ($attempt/$WAIT_ATTEMPTS)"
    attempt=$((attempt + 1))
    sleep 2
done

for service in $SERVICES; do
    topic="$PREFIX.$service"
    if [ -n "$MIN_INSYNC" ]; then
        topics --create --if-not-exists --topic "$topic" \
            --partitions "$PARTITIONS" --replication-factor "$REPLICATION_FACTOR" \
            --config "min.insync.replicas=$MIN_INSYNC"
    else
        topics --create --if-not-exists --topic "$topic" \
            --partitions "$PARTITIONS" --replication-factor "$REPLICATION_FACTOR"
    fi
done

for service in $SERVICES; do
    topics --describe --topic "$PREFIX.$service"
done
echo "create-topics: done"
