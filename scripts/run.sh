#!/usr/bin/env bash
# Serve the portal on $ADDR (127.0.0.1:8000) with a Celery worker and beat beside it.
# Ctrl-C or SIGTERM stops all three within 10 s (issue 13); `make run` migrates and seeds first.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
ADDR=${ADDR:-127.0.0.1:8000}
# What gunicorn binds: a bare port binds 127.0.0.1, as runserver did. Where it is reached from this machine
# (a wildcard host locally): links in e-mails sent outside a request (reminders, the sweep) point there,
# and the start-up waits for it to answer.
case "$ADDR" in
  *:*) bind=$ADDR ;;
  *) bind=127.0.0.1:$ADDR ;;
esac
served=${bind/#0.0.0.0:/127.0.0.1:}
export PORTAL_BASE_URL=${PORTAL_BASE_URL:-http://$served}

# Each child runs in a session of its own (setsid), so that a Ctrl-C, which the terminal sends to the
# whole foreground process group, or a kill of this script's group reaches this script only: it then
# stops the three in order and within a bound, instead of each reacting on its own (the worker used to
# sit in "Warm shutdown" for over 90 s). Each child leads its own group, so `kill -- -pid` also reaches
# the worker's pool processes and gunicorn's workers.
pids=()
worker=
stopping=

alive() {
  local pid
  for pid in "$@"; do
    kill -0 "$pid" 2>/dev/null && return 0
  done
  return 1
}

wait_for_exit() {  # wait_for_exit <seconds> <pid>...: until they have all exited or the time is up
  local until=$((${EPOCHREALTIME/[.,]/} + $1 * 1000000))
  shift
  while alive "$@" && [ "${EPOCHREALTIME/[.,]/}" -lt "$until" ]; do
    sleep 0.1
  done
}

stop() {
  [ -n "$stopping" ] && return
  stopping=1
  # A second Ctrl-C must not kill this script half-way and leave the children running.
  trap '' INT TERM HUP
  if [ ${#pids[@]} -gt 0 ]; then
    # Warm: the worker finishes what it runs and hands back what it prefetched; beat exits; gunicorn
    # finishes the requests it is serving (3 s at most) and exits.
    # An idle embedded worker takes 2-3 s (beian.celery.EmbeddedTransport cuts its waits short).
    kill -TERM "${pids[@]}" 2>/dev/null
    wait_for_exit 4 "${pids[@]}"
    # Cold: a task still running after 4 s is cancelled and, being acks_late, requeued rather than lost.
    if [ -n "$worker" ] && alive "$worker"; then
      echo "The worker has not stopped after 4 s: cold shutdown (running tasks are cancelled and requeued)."
      kill -QUIT "$worker" 2>/dev/null
      wait_for_exit 3 "$worker"
    fi
    # Whatever is left goes now, 7 s after the start, with every process of the children's groups.
    for pid in "${pids[@]}"; do
      kill -KILL -- "-$pid" 2>/dev/null
    done
    wait 2>/dev/null
  fi
  echo "Stopped."
}
trap 'stop; exit 0' INT TERM HUP
trap stop EXIT

start() {
  setsid "$@" &
  pids+=($!)
}

# The worker writes this file when it is ready (beian/celery.py); the address and logins are printed after.
BEIAN_WORKER_READY_FILE=$(mktemp -u "${TMPDIR:-/tmp}/beian-worker-ready.XXXXXX")
export BEIAN_WORKER_READY_FILE
export C_FORCE_ROOT=1  # the worker as root on a fresh machine; production runs it as a user (Dockerfile)
# One worker: no peers to gossip or synchronise with, and no monitor for its event heartbeats; without
# them it also stops about a second sooner.
start "$BIN/celery" -A beian worker --loglevel=INFO --concurrency=2 --hostname="worker@%h" \
  --without-gossip --without-mingle --without-heartbeat
worker=${pids[0]}
start "$BIN/celery" -A beian beat --loglevel=INFO
# The web server is gunicorn, as in production (docker-compose.yml), not Django's development server: what
# a newcomer measures here is what production does (issue 17). WEB_WORKERS processes (default: cores + 1)
# of 4 threads each — a process per core and one more to cover a worker blocked on I/O, threads for the
# many short requests of one page (its style sheets, scripts, fonts); the Celery worker and beat share
# the same cores.
WEB_WORKERS=${WEB_WORKERS:-$(($(nproc) + 1))}
start "$BIN/gunicorn" beian.wsgi:application --bind "$bind" --workers "$WEB_WORKERS" --threads 4 \
  --worker-class gthread --graceful-timeout 3 --timeout 60 --access-logfile - --error-logfile -

# Say where to go and how to sign in last, once the portal answers, so that the worker's banner and the
# servers' start-up lines do not push the demo logins out of sight (issue 16).
for _ in $(seq 1 600); do  # 60 s at most
  if [ -s "$BEIAN_WORKER_READY_FILE" ] && (exec 3<>"/dev/tcp/${served%:*}/${served##*:}") 2>/dev/null; then
    break
  fi
  alive "${pids[@]}" || break
  sleep 0.1
done
rm -f "$BEIAN_WORKER_READY_FILE"
sleep 0.5  # the worker's and beat's last start-up lines
echo
echo "Portal: http://$bind/  (gunicorn: $WEB_WORKERS workers × 4 threads; worker pid ${pids[0]}, beat pid ${pids[1]}); Ctrl-C stops all."
logins=${BEIAN_VAR_DIR:-var}/demo_logins.txt
if [ -f "$logins" ]; then
  echo "Demo logins:"
  cat "$logins"
fi
# Exit as soon as any of the three stops, taking the others with it.
wait -n
