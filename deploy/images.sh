#!/usr/bin/env bash
# Container images of the four services, built by Maven with Jib (no Docker daemon), pushed to a
# registry and inspected there. `./jobcast images` runs this script; deploy/README.md tells more.
#
#   deploy/images.sh [build] [--rebuild-base]   base image, then the four images; pushed and listed
#   deploy/images.sh smoke                      run the pushed images with podman and check them
#   deploy/images.sh broker-images              RabbitMQ and Redis images from Debian's packages,
#                                               for machines that cannot pull Docker Hub's
#   deploy/images.sh registry-stop              stop the loopback registry this script started
#
# JOBCAST_IMAGE_REGISTRY (default 127.0.0.1:5000) names the registry; a loopback one that does not
# answer is started (Debian's docker-registry, data under $JOBCAST_HOME/registry). The images are
# <registry>/jobcast/<service>:<version>, on a base of Debian's essentials plus a jlink'ed Java
# runtime of the building JDK (<registry>/jobcast/base-jre:<java version>-<debian release>), user 185.
# shellcheck disable=SC2016  # mmdebstrap's hooks expand "$1" (the root file system) themselves
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JOBCAST_HOME=${JOBCAST_HOME:-$ROOT/.jobcast}
[[ $JOBCAST_HOME == /* ]] || JOBCAST_HOME=$PWD/$JOBCAST_HOME
REGISTRY=${JOBCAST_IMAGE_REGISTRY:-127.0.0.1:5000}
SERVICES=(api-gateway job-service worker-service progress-service)
# The project version is the first <version> of the root pom (the parent's own).
VERSION=$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' "$ROOT/pom.xml" | head -n 1)
CONTAINERS_DIR=$JOBCAST_HOME/containers
# Images are built from the building machine's own Debian release, whose libraries its JDK needs.
SUITE=${JOBCAST_BASE_SUITE:-$(sed -n 's/^VERSION_CODENAME=//p' /etc/os-release)}
SUITE=${SUITE:-bookworm}

say() { printf '%s\n' "$*"; }
die() { printf 'images: %s\n' "$*" >&2; exit 1; }

is_loopback() { [[ $REGISTRY == 127.* || $REGISTRY == localhost:* ]]; }
# A loopback registry speaks plain HTTP; any other must have TLS.
tls_verify() { if is_loopback; then echo false; else echo true; fi; }

need_tools() {
  local missing=() tool
  for tool in skopeo podman mmdebstrap; do command -v "$tool" >/dev/null || missing+=("$tool"); done
  command -v runc >/dev/null || [[ -x /usr/sbin/runc ]] || missing+=(runc)
  if is_loopback && ! command -v docker-registry >/dev/null; then missing+=(docker-registry); fi
  command -v jlink >/dev/null || [[ -x $(java_home)/bin/jlink ]] || die "jlink is missing: sudo apt-get install -y openjdk-17-jdk-headless"
  ((${#missing[@]})) || return 0
  [[ $(id -u) -eq 0 ]] || die "missing ${missing[*]}; install with: sudo apt-get install -y ${missing[*]}"
  say "Installing ${missing[*]} (apt-get)..."
  DEBIAN_FRONTEND=noninteractive apt-get update -qq </dev/null >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" </dev/null >/dev/null
}

java_home() { dirname "$(dirname "$(readlink -f "$(command -v javac || command -v java)")")"; }

# podman reads its settings from our own files: runc (crun fails in this kind of sandbox), lower
# limits than its defaults (which the sandbox refuses), plain HTTP to a loopback registry.
podman_env() {
  mkdir -p "$CONTAINERS_DIR"
  cat >"$CONTAINERS_DIR/containers.conf" <<'EOF'
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=4096:4096"]
[engine]
runtime = "runc"
EOF
  cat >"$CONTAINERS_DIR/registries.conf" <<EOF
[[registry]]
location = "$REGISTRY"
insecure = $(is_loopback && echo true || echo false)
EOF
  cat >"$CONTAINERS_DIR/storage.conf" <<EOF
[storage]
driver = "overlay"
graphroot = "$CONTAINERS_DIR/storage"
runroot = "$CONTAINERS_DIR/run"
EOF
  export CONTAINERS_CONF=$CONTAINERS_DIR/containers.conf CONTAINERS_REGISTRIES_CONF=$CONTAINERS_DIR/registries.conf
  export CONTAINERS_STORAGE_CONF=$CONTAINERS_DIR/storage.conf
}

registry_up() { curl -sf -o /dev/null --max-time 2 "http://$REGISTRY/v2/"; }

# A remote registry is taken as it is (credentials: podman login, and for Jib
# QUARKUS_CONTAINER_IMAGE_USERNAME/_PASSWORD); a loopback one is started if it does not answer.
start_registry() {
  is_loopback || return 0
  registry_up && return 0
  local dir=$JOBCAST_HOME/registry
  mkdir -p "$dir/data"
  cat >"$dir/config.yml" <<EOF
version: 0.1
storage:
  filesystem:
    rootdirectory: $dir/data
  delete:
    enabled: true
http:
  addr: $REGISTRY
EOF
  setsid docker-registry serve "$dir/config.yml" </dev/null >"$dir/registry.log" 2>&1 &
  echo $! >"$dir/registry.pid"
  local i
  for ((i = 0; i < 40; i++)); do registry_up && { say "started    registry $REGISTRY (data in $dir/data)"; return 0; }; sleep 0.25; done
  die "the registry did not start (see $dir/registry.log)"
}

stop_registry() {
  local file=$JOBCAST_HOME/registry/registry.pid pid
  [[ -f $file ]] || { say "no registry started by this script"; return 0; }
  pid=$(<"$file")
  if kill -0 "$pid" 2>/dev/null && grep -q docker-registry "/proc/$pid/cmdline"; then kill "$pid" && say "stopped    registry (pid $pid)"; fi
  rm -f "$file"
}

java_version() { "$(java_home)/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.version = //p'; }

base_image() { echo "${JOBCAST_BASE_IMAGE:-$REGISTRY/jobcast/base-jre:$(java_version)-$SUITE}"; }

# Debian's essential packages (bash, coreutils; no apt, no perl) plus a Java runtime jlink'ed from
# the building JDK: the Java SE modules and the jdk.* ones Netty, Vert.x and Micrometer use. About
# 110 MB unpacked, against 350 MB for Debian's openjdk-17-jre-headless with its X11 and CUPS
# libraries.
build_base() {
  local image work
  image=$(base_image)
  if [[ ${1:-} != --rebuild-base ]] && skopeo inspect --tls-verify="$(tls_verify)" "docker://$image" >/dev/null 2>&1; then
    say "base       $image (in the registry already; --rebuild-base rebuilds it)"
    return 0
  fi
  work=$(mktemp -d)
  say "building   $image ..."
  "$(java_home)/bin/jlink" --add-modules java.se,jdk.unsupported,jdk.crypto.ec,jdk.management,jdk.zipfs,jdk.naming.dns \
    --strip-debug --no-man-pages --no-header-files --compress=2 --output "$work/java"
  mmdebstrap --variant=essential --include=libstdc++6,zlib1g \
    --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/info/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    --customize-hook="copy-in $work/java /opt" \
    --customize-hook='ln -s /opt/java/bin/java "$1/usr/bin/java"' \
    --customize-hook='echo "jobcast:x:185:185:Jobcast:/home/jboss:/usr/sbin/nologin" >>"$1/etc/passwd"' \
    --customize-hook='echo "jobcast:x:185:" >>"$1/etc/group" && mkdir -p "$1/home/jboss" && chown 185:185 "$1/home/jboss"' \
    "$SUITE" "$work/rootfs.tar" >"$work/mmdebstrap.log" 2>&1 || { tail -n 30 "$work/mmdebstrap.log" >&2; die "mmdebstrap failed"; }
  podman import --quiet \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV JAVA_HOME=/opt/java' --change 'USER 185' \
    "$work/rootfs.tar" "$image" >/dev/null
  podman push --quiet --tls-verify="$(tls_verify)" "$image"
  rm -rf "$work"
}

build_services() {
  local started=$SECONDS args=()
  is_loopback && args+=(-Dquarkus.container-image.insecure=true)
  say "building   ${SERVICES[*]} (Maven, -Pimages) ..."
  (cd "$ROOT" && ./mvnw -B -q package -DskipTests -Pimages -pl "$(IFS=,; echo "${SERVICES[*]}")" -am \
    -Dquarkus.container-image.push=true -Dquarkus.container-image.registry="$REGISTRY" \
    -Dquarkus.jib.base-jvm-image="$(base_image)" "${args[@]}" </dev/null) || die "the Maven build failed (output above)"
  say "built      in $((SECONDS - started)) s"
}

# What the registry holds: layers, compressed size (all layers, and those not shared with the
# base), user and entrypoint of each image.
list_images() {
  local service image layers size base_size=0 config user entry
  printf '%-56s %-7s %-11s %-11s %-5s %s\n' IMAGE LAYERS COMPRESSED OWN-LAYERS USER ENTRYPOINT
  for service in base "${SERVICES[@]}"; do
    if [[ $service == base ]]; then image=$(base_image); else image=$REGISTRY/jobcast/$service:$VERSION; fi
    read -r layers size < <(skopeo inspect --tls-verify="$(tls_verify)" --raw "docker://$image" |
      sed 's/.*"layers"://' | grep -o '"size":[0-9]*' | cut -d: -f2 | awk '{ n++; s += $1 } END { print n, s }')
    [[ $service == base ]] && base_size=$size
    config=$(skopeo inspect --tls-verify="$(tls_verify)" --config "docker://$image" | tr -d '\n ')
    user=$(sed -n 's/.*"User":"\([^"]*\)".*/\1/p' <<<"$config")
    entry=$(sed -n 's/.*"Entrypoint":\[\([^]]*\)\].*/\1/p' <<<"$config" | tr -d '"' | tr ',' ' ')
    printf '%-56s %-7s %-11s %-11s %-5s %s\n' "$image" "$layers" "$(awk -v s="$size" 'BEGIN { printf "%.1f MB", s / 1e6 }')" \
      "$(awk -v s="$size" -v b="$base_size" 'BEGIN { printf "%.1f MB", (s - b) / 1e6 }')" "${user:-root}" "${entry:--}"
  done
}

build() {
  need_tools
  podman_env
  start_registry
  build_base "$@"
  build_services
  list_images
}

# ---------------------------------------------------------------- broker images

# Stand-ins for Docker Hub's rabbitmq and redis images where those cannot be pulled, taking the
# same settings compose.yaml gives them (RABBITMQ_DEFAULT_USER/_PASS, redis-server arguments).
broker_images() {
  need_tools
  podman_env
  start_registry
  local work
  work=$(mktemp -d)
  cat >"$work/rabbitmq-entrypoint" <<'EOF'
#!/bin/sh
# The official image's settings, as rabbitmq.conf: a default user that may log in from anywhere.
printf 'loopback_users = none\ndefault_user = %s\ndefault_pass = %s\n' \
  "${RABBITMQ_DEFAULT_USER:-guest}" "${RABBITMQ_DEFAULT_PASS:-guest}" >/tmp/rabbitmq.conf
export RABBITMQ_CONFIG_FILE=/tmp/rabbitmq HOME=/var/lib/rabbitmq
exec /usr/lib/rabbitmq/bin/rabbitmq-server
EOF
  cat >"$work/run-as" <<'EOF'
#!/bin/sh
# run-as USER DIR COMMAND...: as the official images do, own the data directory (a fresh volume
# is root's), then run the server as its own user.
set -e
user=$1 dir=$2
shift 2
chown -R "$user:$user" "$dir"
exec setpriv --reuid="$user" --regid="$user" --init-groups "$@"
EOF
  chmod +x "$work/rabbitmq-entrypoint" "$work/run-as"
  broker_image rabbitmq rabbitmq-server "$work" \
    --customize-hook="copy-in $work/rabbitmq-entrypoint $work/run-as /usr/local/bin"
  podman import --quiet --change 'EXPOSE 5672' \
    --change 'ENTRYPOINT ["run-as", "rabbitmq", "/var/lib/rabbitmq", "/usr/local/bin/rabbitmq-entrypoint"]' \
    "$work/rabbitmq.tar" "$REGISTRY/jobcast/rabbitmq:debian" >/dev/null
  broker_image redis redis-server "$work" --customize-hook="copy-in $work/run-as /usr/local/bin" \
    --customize-hook='mkdir -p "$1/data"'
  podman import --quiet --change 'EXPOSE 6379' --change 'WORKDIR /data' \
    --change 'ENTRYPOINT ["run-as", "redis", "/data"]' --change 'CMD ["redis-server"]' \
    "$work/redis.tar" "$REGISTRY/jobcast/redis:debian" >/dev/null
  local name
  for name in rabbitmq redis; do podman push --quiet --tls-verify="$(tls_verify)" "$REGISTRY/jobcast/$name:debian"; done
  rm -rf "$work"
  say "pushed     $REGISTRY/jobcast/rabbitmq:debian, $REGISTRY/jobcast/redis:debian"
  say "compose:   JOBCAST_RABBITMQ_IMAGE=$REGISTRY/jobcast/rabbitmq:debian JOBCAST_REDIS_IMAGE=$REGISTRY/jobcast/redis:debian"
}

broker_image() { # name package workdir [mmdebstrap options...]
  local name=$1 package=$2 work=$3
  shift 3
  say "building   $name from Debian's $package ..."
  mmdebstrap --variant=minbase --include="$package" --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-include=/usr/share/doc/*/copyright' --dpkgopt='path-exclude=/usr/share/locale/*' \
    "$@" "$SUITE" "$work/$name.tar" >"$work/$name.log" 2>&1 || { tail -n 30 "$work/$name.log" >&2; die "mmdebstrap failed"; }
}

# ---------------------------------------------------------------- smoke test

http_code() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$@" || true; }

wait_http() {
  local url=$1 seconds=$2 i
  for ((i = 0; i < seconds * 4; i++)); do [[ $(http_code "$url") == 200 ]] && return 0; sleep 0.25; done
  return 1
}

smoke_cleanup() {
  local name
  for name in "${SMOKE_CONTAINERS[@]}"; do podman rm -f -t 10 "$name" >/dev/null 2>&1 || true; done
  [[ -z $SMOKE_REDIS_PID ]] || kill "$SMOKE_REDIS_PID" 2>/dev/null || true
}

# Runs the images with podman on the host network, on ports 18080-18083, against the brokers that
# JOBCAST_REDIS_URL and JOBCAST_RABBITMQ_HOST/_PORT/_USERNAME/_PASSWORD name (as ./jobcast does).
# With them: all four services, one demo.sleep job followed to SUCCEEDED over SSE. Without a
# RabbitMQ: the gateway alone, on a throwaway Redis. Stops what it started.
smoke() {
  need_tools
  podman_env
  start_registry
  local dir=$JOBCAST_HOME/smoke key=smoke-key-$RANDOM$RANDOM redis_url=${JOBCAST_REDIS_URL:-}
  SMOKE_CONTAINERS=() SMOKE_REDIS_PID=
  mkdir -p "$dir"
  trap smoke_cleanup EXIT
  if [[ -z $redis_url ]]; then
    redis-server --port 16379 --bind 127.0.0.1 --dir "$dir" --save '' --daemonize no </dev/null >"$dir/redis.log" 2>&1 &
    SMOKE_REDIS_PID=$! redis_url=redis://127.0.0.1:16379
  fi
  # As the Helm chart runs them: user 185, a read-only file system but for /tmp.
  local common=(--network=host --read-only --tmpfs /tmp --pull=always --tls-verify="$(tls_verify)" -e QUARKUS_REDIS_HOSTS="$redis_url"
    -e RABBITMQ_HOST="${JOBCAST_RABBITMQ_HOST:-127.0.0.1}" -e RABBITMQ_PORT="${JOBCAST_RABBITMQ_PORT:-5672}"
    -e RABBITMQ_USERNAME="${JOBCAST_RABBITMQ_USERNAME:-guest}" -e RABBITMQ_PASSWORD="${JOBCAST_RABBITMQ_PASSWORD:-guest}")
  run() { # name service port [env...]
    local name=jobcast-smoke-$1 service=$2 port=$3
    shift 3
    SMOKE_CONTAINERS+=("$name")
    podman rm -f --ignore "$name" >/dev/null
    podman run -d --rm --quiet --name "$name" "${common[@]}" -e QUARKUS_HTTP_PORT="$port" "$@" \
      "$REGISTRY/jobcast/$service:$VERSION" >/dev/null
  }
  local started=$SECONDS
  if [[ -n ${JOBCAST_RABBITMQ_HOST:-} ]]; then
    run job job-service 18081
    run progress progress-service 18082
    run worker worker-service 18083
  fi
  run gateway api-gateway 18080 -e JOBCAST_GATEWAY_DEV_API_KEY="$key" \
    -e JOBCAST_GATEWAY_JOB_SERVICE_URL=http://127.0.0.1:18081 -e JOBCAST_GATEWAY_PROGRESS_SERVICE_URL=http://127.0.0.1:18082
  wait_http http://127.0.0.1:18080/q/health/live 90 || { podman logs jobcast-smoke-gateway | tail -n 30; die "the gateway image did not come up"; }
  say "live       gateway after $((SECONDS - started)) s (image pulled and started)"
  say "user       $(podman exec jobcast-smoke-gateway id), read-only root file system"
  say "GET /q/health/started  $(http_code http://127.0.0.1:18080/q/health/started)"
  say "GET /      $(http_code http://127.0.0.1:18080/) (the web UI)"
  say "GET /api/v1/jobs/x  $(http_code http://127.0.0.1:18080/api/v1/jobs/x) without a key, $(http_code http://127.0.0.1:18080/api/v1/jobs/x -H "X-API-Key: $key") with the key (found in Redis)"
  if [[ -z ${JOBCAST_RABBITMQ_HOST:-} ]]; then say "smoke test passed (gateway only: set JOBCAST_RABBITMQ_HOST for the whole suite)"; return 0; fi

  wait_http http://127.0.0.1:18080/q/health/ready 90 || die "the suite did not become ready: $(curl -s http://127.0.0.1:18080/q/health/ready)"
  say "ready      all four after $((SECONDS - started)) s"
  local job id events
  job=$(curl -sf -X POST http://127.0.0.1:18080/api/v1/jobs -H "X-API-Key: $key" -H 'Content-Type: application/json' \
    -d '{"type":"demo.sleep","payload":{"steps":5,"stepMillis":200}}') || die "submitting a job failed"
  id=$(sed -n 's/^{"id":"\([^"]*\)".*/\1/p' <<<"$job")
  [[ -n $id ]] || die "no job id in $job"
  events=$(curl -sN --max-time 30 "http://127.0.0.1:18080/api/v1/jobs/$id/events" -H "X-API-Key: $key")
  grep -q '"state":"SUCCEEDED"' <<<"$events" || die "the job did not succeed over SSE: $events"
  say "job        $id: $(grep -c '^id:' <<<"$events") SSE events, SUCCEEDED"
  say "smoke test passed"
}

command=${1:-build}
(($#)) && shift
case $command in
  build) build "$@" ;;
  smoke) smoke ;;
  list) need_tools && start_registry && list_images ;;
  broker-images) broker_images ;;
  registry-stop) stop_registry ;;
  *) sed -n '2,15p' "$0" >&2; exit 2 ;;
esac
