#!/usr/bin/env bash
# rabbitmqctl against the benchmark suite's private RabbitMQ node (the environment ./jobcast gives
# it: its own HOME with the Erlang cookie, node name and port mapper), e.g.
#   JOBCAST_HOME=bench/target/suite JOBCAST_PRIVATE_RABBITMQ_PORT=26690 bench/rabbitmqctl.sh list_queues
set -euo pipefail
base=${JOBCAST_HOME:?}/rabbitmq
port=${JOBCAST_PRIVATE_RABBITMQ_PORT:?}
export HOME=$base/home RABBITMQ_NODENAME=jobcast@localhost ERL_EPMD_PORT=$((port - 1300)) ERL_EPMD_ADDRESS=127.0.0.1
export RABBITMQ_CONF_ENV_FILE=$base/rabbitmq-env.conf RABBITMQ_CONFIG_FILE=$base/rabbitmq
export RABBITMQ_ENABLED_PLUGINS_FILE=$base/enabled_plugins RABBITMQ_MNESIA_BASE=$base/mnesia RABBITMQ_LOG_BASE=$base/log
exec /usr/lib/rabbitmq/bin/rabbitmqctl -q -n jobcast@localhost "$@"
