#!/usr/bin/env bash
# Serve the portal on $ADDR (127.0.0.1:8000) with a Celery worker and beat beside it.
# Ctrl-C stops all three.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
ADDR=${ADDR:-127.0.0.1:8000}
# Links in e-mails sent outside a request (reminders, the sweep) point at the address served here;
# runserver also takes a bare port, and a wildcard host is reached locally.
if [ -z "${PORTAL_BASE_URL:-}" ]; then
  case "$ADDR" in
    *:*) served=$ADDR ;;
    *) served=127.0.0.1:$ADDR ;;
  esac
  served=${served/#0.0.0.0:/127.0.0.1:}
  export PORTAL_BASE_URL="http://$served"
fi

pids=()
stop() {
  trap - INT TERM EXIT
  [ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null
  wait 2>/dev/null
  echo "Stopped."
}
trap stop INT TERM EXIT

export C_FORCE_ROOT=1  # the worker as root on a fresh machine; production runs it as a user (Dockerfile)
"$BIN/celery" -A beian worker --loglevel=INFO --concurrency=2 --hostname="worker@%h" &
pids+=($!)
"$BIN/celery" -A beian beat --loglevel=INFO &
pids+=($!)
"$BIN/python" manage.py runserver "$ADDR" &
pids+=($!)

echo "Portal: http://$ADDR/  (worker pid ${pids[0]}, beat pid ${pids[1]}); Ctrl-C stops all."
# Exit as soon as any of the three stops, taking the others with it.
wait -n
