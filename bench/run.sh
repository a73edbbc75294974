#!/usr/bin/env bash
# The benchmark of docs/benchmarks.md, run by `./jobcast bench [--quick]`:
#   Jobcast, its peers (BullMQ, Socket.IO) and the limits (RabbitMQ PerfTest, redis-benchmark, a bare
#   Vert.x server) side by side on this machine, in one run, with loopback traffic only. Writes
#   bench/results/<date>[-quick].md with its PNG charts and prints the summary.
#
#   --quick   one run, 1,000 subscribers, short steps: a few minutes
#   (full)    three interleaved runs (medians), 1,000 then 10,000 subscribers: about an hour
#
# It starts a suite of its own with ./jobcast start — its own JOBCAST_HOME, ports and private brokers,
# never a suite or broker already running — and stops it at the end, whatever happens. Settings
# (environment): JOBCAST_BENCH_HOME (default bench/target/suite), JOBCAST_BENCH_PORT_BASE (28080:
# gateway 28080, job-service +1, progress +2, worker +3, bare server +11, Socket.IO +13; Redis
# base - 1690, RabbitMQ base - 1390), JOBCAST_BENCH_ONLY (e.g. "throughput,latency": some scenarios);
# JOBCAST_BENCH_OUT (the reports' directory, default bench/results);
# for short checks, JOBCAST_BENCH_CLIENTS (e.g. "10000"), _STEPS ("1000,5000"), _RUNS, _JOBS override the mode's plan.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MODE=full
for arg in "$@"; do
  case $arg in
    --quick) MODE=quick ;;
    --full) MODE=full ;;
    -h | --help) sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench: unknown option $arg (--quick or nothing)" >&2; exit 2 ;;
  esac
done

say() { printf '%s\n' "$*"; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }

BASE=${JOBCAST_BENCH_PORT_BASE:-28080}
export JOBCAST_HOME=${JOBCAST_BENCH_HOME:-$ROOT/bench/target/suite}
[[ $JOBCAST_HOME == /* ]] || JOBCAST_HOME=$PWD/$JOBCAST_HOME
export JOBCAST_GATEWAY_PORT=$BASE JOBCAST_JOB_SERVICE_PORT=$((BASE + 1)) JOBCAST_PROGRESS_SERVICE_PORT=$((BASE + 2))
export JOBCAST_WORKER_PORT=$((BASE + 3))
export JOBCAST_PRIVATE_REDIS_PORT=$((BASE - 1690)) JOBCAST_PRIVATE_RABBITMQ_PORT=$((BASE - 1390))
BARE_PORT=$((BASE + 11)) SIO_PORT=$((BASE + 13))
# Like BullMQ's workers (concurrency 50); 10,000 subscribers of one tenant on one replica; the
# gateway's per-key rate limit still checked on every request (its cost counts) but never reached.
export JOBCAST_WORKER_CONCURRENCY=50 JOBCAST_PROGRESS_MAX_CONNECTIONS_PER_TENANT=20000
export JOBCAST_GATEWAY_RATE_LIMIT_REQUESTS_PER_SECOND=1000000 JOBCAST_GATEWAY_RATE_LIMIT_BURST=1000000
# Our own private brokers, never configured ones.
unset JOBCAST_REDIS_URL JOBCAST_RABBITMQ_HOST JOBCAST_RABBITMQ_PORT

# As many files as we may: each client process holds up to 9,000 sockets.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
(($(ulimit -n) >= 19000)) || say "note: ulimit -n is $(ulimit -n); 10,000 connections per server need about 10,100"

# ---------------------------------------------------------------- prerequisites and builds

command -v java >/dev/null || die "Java 17+ is needed"
command -v node >/dev/null && command -v npm >/dev/null || die "Node.js 20+ and npm are needed (the peers)"
command -v jcmd >/dev/null && command -v jfr >/dev/null || die "jcmd and jfr (a full JDK) are needed for the profiles"
if ! command -v redis-benchmark >/dev/null; then
  [[ $(id -u) -eq 0 ]] || die "redis-benchmark is missing: sudo apt-get install -y redis-tools"
  say "Installing redis-tools (redis-benchmark)..."
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-tools </dev/null >/dev/null
fi

mvn_q() { (cd "$ROOT" && ./mvnw -B -q "$@") </dev/null || die "the build failed: ./mvnw $*"; }

# The services, with the benchmark's job types (demo.noop, demo.ticker) in the worker.
worker_jar=$ROOT/worker-service/target/quarkus-app/app/worker-service-0.1.0-SNAPSHOT.jar
need_services=0
for module in api-gateway job-service progress-service worker-service; do
  [[ -f $ROOT/$module/target/quarkus-app/quarkus-run.jar ]] || need_services=1
done
if ((need_services == 0)) && ! unzip -l "$worker_jar" 2>/dev/null | grep -q 'handlers/DemoTicker'; then need_services=1; fi
if ((need_services)); then
  say "Building the services (package, tests skipped)..."
  mvn_q package -DskipTests -pl api-gateway,job-service,progress-service,worker-service -am
fi
bench_jar=$ROOT/bench/target/bench.jar
if [[ ! -f $bench_jar ]] || [[ -n $(find "$ROOT/bench/src" "$ROOT/bench/pom.xml" -newer "$bench_jar" -print -quit) ]]; then
  say "Building the load generator (bench module)..."
  mvn_q package -DskipTests -pl bench
fi
if [[ ! -f $ROOT/bench/target/perftest/perf-test-2.22.1.jar ]]; then
  say "Fetching RabbitMQ PerfTest (Maven Central)..."
  mvn_q -f bench/perftest/pom.xml dependency:copy-dependencies -DoutputDirectory=../target/perftest
fi
if [[ ! -d $ROOT/bench/node/node_modules/bullmq || $ROOT/bench/node/package-lock.json -nt $ROOT/bench/node/node_modules ]]; then
  say "Installing the peers (npm ci: bullmq, ioredis, socket.io)..."
  (cd "$ROOT/bench/node" && npm ci --no-audit --no-fund --loglevel=error </dev/null >/dev/null) || die "npm ci failed in bench/node"
  touch "$ROOT/bench/node/node_modules"
fi

# ---------------------------------------------------------------- the suite

for port in "$BARE_PORT" "$SIO_PORT"; do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && die "port $port is taken; set JOBCAST_BENCH_PORT_BASE to another base"
done
# A suite left over from an interrupted benchmark (same JOBCAST_HOME: ours) is stopped first.
"$ROOT/jobcast" stop >/dev/null 2>&1 || true
# A service that was stopped may hold its port for a few more seconds while it shuts down.
for ((i = 0; i < 60; i++)); do
  busy=0
  for port in "$JOBCAST_GATEWAY_PORT" "$JOBCAST_JOB_SERVICE_PORT" "$JOBCAST_PROGRESS_SERVICE_PORT" "$JOBCAST_WORKER_PORT"; do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && busy=1
  done
  ((busy)) || break
  sleep 0.5
done
rm -rf "$JOBCAST_HOME/redis" "$JOBCAST_HOME/rabbitmq" "$JOBCAST_HOME/logs"
STAMP=$(date +%Y%m%d-%H%M%S)
WORK=$ROOT/bench/target/run-$STAMP
mkdir -p "$WORK/logs"
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  say "Stopping the benchmark's suite..."
  "$ROOT/jobcast" stop >"$WORK/logs/stop.log" 2>&1 || say "(./jobcast stop failed: $WORK/logs/stop.log)"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
say "Starting a suite of its own (JOBCAST_HOME=$JOBCAST_HOME, gateway port $JOBCAST_GATEWAY_PORT)..."
"$ROOT/jobcast" start --no-build >"$WORK/logs/start.log" 2>&1 || { tail -n 30 "$WORK/logs/start.log" >&2; die "the suite did not start"; }

# ---------------------------------------------------------------- the run

CP="$bench_jar:$ROOT/bench/target/lib/*"
case $MODE in quick) LIMIT_MIN=25 ;; *) LIMIT_MIN=170 ;; esac
say "Running the $MODE benchmark (raw results and logs: $WORK)..."
timeout --signal=TERM --kill-after=30 "${LIMIT_MIN}m" \
  java -Xmx1g -cp "$CP" io.jobcast.bench.Main run mode="$MODE" root="$ROOT" home="$JOBCAST_HOME" classpath="$CP" \
  gateway="$JOBCAST_GATEWAY_PORT" progress="$JOBCAST_PROGRESS_SERVICE_PORT" redisPort="$JOBCAST_PRIVATE_REDIS_PORT" \
  rabbitPort="$JOBCAST_PRIVATE_RABBITMQ_PORT" barePort="$BARE_PORT" sioPort="$SIO_PORT" \
  perftest="$ROOT/bench/target/perftest" work="$WORK" out="${JOBCAST_BENCH_OUT:-$ROOT/bench/results}" \
  ${JOBCAST_BENCH_ONLY:+only=$JOBCAST_BENCH_ONLY} ${JOBCAST_BENCH_CLIENTS:+clients=$JOBCAST_BENCH_CLIENTS} \
  ${JOBCAST_BENCH_STEPS:+steps=$JOBCAST_BENCH_STEPS} ${JOBCAST_BENCH_RUNS:+runs=$JOBCAST_BENCH_RUNS} \
  ${JOBCAST_BENCH_JOBS:+jobs=$JOBCAST_BENCH_JOBS} </dev/null
