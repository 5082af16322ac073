#!/usr/bin/env bash
# Times the studio's whole-clip matte preview: starts `synthstage studio` on a fresh data folder, uploads the clip,
# asks for the preview with one point on the subject (as the clip page does), waits for its end on the event stream,
# and prints the preview's own timing line; then asks again (served from the cache).
# Usage: scripts/matte-preview-time.sh [CLIP] [MODEL] [X,Y as fractions of the frame]   (from the repository root)
set -euo pipefail
cd "$(dirname "$0")/.."
clip=${1:-../shared/data/footage/coffee.mp4} model=${2:-general} point=${3:-0.5,0.3}
dll=${SYNTHSTAGE_DLL:-artifacts/synthstage/Synthstage.Cli.dll}
[ -f "$dll" ] || ./synthstage --version >/dev/null
work=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
dotnet "$dll" studio --port "$port" --data "$work/data" > "$work/studio.log" 2>&1 &
studio=$!
trap 'kill $studio 2>/dev/null; rm -rf "$work"' EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 100); do curl -sf "$base/api/status" >/dev/null && break; sleep 0.2; done
path=$(curl -sf -X POST --data-binary @"$clip" -H "X-File-Name: $(basename "$clip")" "$base/api/clips/upload" | jq -r .path)
body=$(jq -nc --arg clip "$path" --arg model "$model" --argjson x "${point%,*}" --argjson y "${point#*,}" \
  '{clip: $clip, model: $model, points: [{x: $x, y: $y, frame: 0, include: true}]}')
for attempt in first again; do
  start=$(date +%s.%N)
  events=$(curl -sf -X POST -H 'Content-Type: application/json' -d "$body" "$base/api/matte-preview" | jq -r .events)
  last=$(curl -sN "$base$events" | grep -m1 -E '^event: (done|stopped|error)' -A1 | tail -n 1 | sed 's/^data: //')
  printf '%s: %s (%.2f s wall, request to last event), load %s\n' "$attempt" "$(jq -r '.kind + ": " + .message' <<<"$last")" \
    "$(echo "$(date +%s.%N) - $start" | bc)" "$(cut -d' ' -f1 /proc/loadavg)"
done
