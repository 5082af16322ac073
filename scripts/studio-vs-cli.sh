#!/usr/bin/env bash
# The same render (coffee.mp4 over a colour, selfie general model) through the CLI and through the studio's queue,
# in one run with the same build, alternating, and the wall time of each: the CLI's from process start to exit,
# the studio's from the job's submission to its completion event (polled once a second: a curl and a python per poll cost CPU on a 2-core machine).
# Usage: scripts/studio-vs-cli.sh [ROUNDS] (from the repository root, after dotnet build)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-2}
cli=(dotnet src/Synthstage.Cli/bin/Debug/net10.0/Synthstage.Cli.dll)
clip=../shared/data/footage/coffee.mp4
work=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
"${cli[@]}" studio --port "$port" --data "$work/data" > "$work/studio.log" 2>&1 &
studio=$!
trap 'kill $studio 2>/dev/null; rm -rf "$work"' EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 100); do curl -sf "$base/api/status" >/dev/null && break; sleep 0.2; done
path=$(curl -sf -X POST --data-binary @"$clip" -H "X-File-Name: coffee.mp4" "$base/api/clips/upload" | python3 -c 'import json,sys; print(json.load(sys.stdin)["path"])')
for round in $(seq "$rounds"); do
  start=$(date +%s.%N)
  "${cli[@]}" composite "$clip" --background '#1e3c78' --model general -o "$work/cli-$round.mp4" >/dev/null 2>&1
  cli_s=$(echo "$(date +%s.%N) - $start" | bc)
  start=$(date +%s.%N)
  id=$(curl -sf -X POST -H 'Content-Type: application/json' -d "{\"clip\":\"$path\",\"background\":\"#1e3c78\",\"model\":\"general\"}" "$base/api/jobs" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
  until curl -sf "$base/api/jobs" | python3 -c "import json,sys; j=[x for x in json.load(sys.stdin) if x['id']=='$id'][0]; sys.exit(0 if j['state'] in ('Done','Failed') else 1)"; do sleep 1; done
  studio_s=$(echo "$(date +%s.%N) - $start" | bc)
  printf 'round %d: cli %.2f s, studio %.2f s (%+.1f %%)\n' "$round" "$cli_s" "$studio_s" "$(echo "($studio_s - $cli_s) * 100 / $cli_s" | bc -l)"
done
