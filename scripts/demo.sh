#!/usr/bin/env bash
# `make demo`: watch the whole pipeline work, offline. The bundled site snapshot is served on
# 127.0.0.1 by `atnews replay`, crawled into a demo archive of its own (not your real one), and
# what to try next is printed. Run it again: the second crawl is incremental.
set -euo pipefail

ATNEWS=${ATNEWS:-.venv/bin/atnews}
SITE=${SITE:-fixtures/site}
DEMO_HOME=$(realpath -m "${DEMO_HOME:-.demo}")
export ATNEWS_HOME=$DEMO_HOME
unset ATNEWS_VAR_DIR MONGODB_URI ATNEWS_DB  # the demo always uses its own embedded store

url_file=$(mktemp)
$ATNEWS replay "$SITE" >"$url_file" 2>/dev/null &
replay=$!
cleanup() {
    kill "$replay" 2>/dev/null || true
    wait "$replay" 2>/dev/null || true
    rm -f "$url_file"
    $ATNEWS db stop >/dev/null 2>&1 || true
}
trap cleanup EXIT

for _ in $(seq 100); do
    [ -s "$url_file" ] && break
    sleep 0.1
done
url=$(head -n 1 "$url_file")
if [ -z "$url" ]; then
    echo "error: the replay server did not start (is $SITE there?)" >&2
    exit 3
fi

$ATNEWS crawl --site-url "$url" --no-polite
cat <<TRY

the demo archive is in $DEMO_HOME; try:
  atnews --home $DEMO_HOME stats --by month
  atnews --home $DEMO_HOME query '{"categories": "Editorial"}' --fields title,published_at
  atnews --home $DEMO_HOME search "Samarkand summit" --limit 5
  atnews --home $DEMO_HOME runs
  atnews --home $DEMO_HOME health --max-age 9999
(atnews is .venv/bin/atnews; \`make clean\` removes the demo archive)
TRY
