#!/usr/bin/env bash
# The same render (coffee.mp4 over a colour, selfie general model) through the CLI and through the studio's queue,
# with the same build, alternating, and the wall time of each: the CLI's from process start to exit; the studio's
# from the job's creation to its end as the job store records them (the server's clock, so the script's own waiting
# costs nothing). The script waits on the studio's event stream (one curl), not by polling.
# Usage: scripts/studio-vs-cli.sh [ROUNDS] (from the repository root; $SYNTHSTAGE_DLL, default the ./synthstage build)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-2}
dll=${SYNTHSTAGE_DLL:-artifacts/synthstage/Synthstage.Cli.dll}
[ -f "$dll" ] || ./synthstage --version >/dev/null
cli=(dotnet "$dll")
clip=../shared/data/footage/coffee.mp4
work=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
"${cli[@]}" studio --port "$port" --data "$work/data" > "$work/studio.log" 2>&1 &
studio=$!
base="http://127.0.0.1:$port"
for _ in $(seq 100); do curl -sf "$base/api/status" >/dev/null && break; sleep 0.2; done
curl -sN "$base/api/events" > "$work/events" &
events=$!
trap 'kill $studio $events 2>/dev/null; rm -rf "$work"' EXIT
path=$(curl -sf -X POST --data-binary @"$clip" -H "X-File-Name: coffee.mp4" "$base/api/clips/upload" | jq -r .path)
cli_total=0 studio_total=0
for round in $(seq "$rounds"); do
  start=$(date +%s.%N)
  "${cli[@]}" composite "$clip" --background '#1e3c78' --model general -o "$work/cli-$round.mp4" >/dev/null 2>&1
  cli_s=$(echo "$(date +%s.%N) - $start" | bc)
  id=$(curl -sf -X POST -H 'Content-Type: application/json' -d "{\"clip\":\"$path\",\"background\":\"#1e3c78\",\"model\":\"general\"}" "$base/api/jobs" | jq -r .id)
  until grep -Eq "\"id\":\"$id\".*\"state\":\"(Done|Failed)\"" "$work/events"; do sleep 0.5; done
  studio_s=$(curl -sf "$base/api/jobs" | jq -r --arg id "$id" '.[] | select(.id == $id) |
    if .state != "Done" then error("job " + .id + " " + .state + ": " + (.error // "")) else
    ((.finished | sub("\\.[0-9]+"; "") | sub("[+]00:00$"; "Z") | fromdateiso8601) + (.finished | capture("\\.(?<f>[0-9]+)").f | "0." + . | tonumber))
    - ((.created | sub("\\.[0-9]+"; "") | sub("[+]00:00$"; "Z") | fromdateiso8601) + (.created | capture("\\.(?<f>[0-9]+)").f | "0." + . | tonumber)) end')
  cli_total=$(echo "$cli_total + $cli_s" | bc) studio_total=$(echo "$studio_total + $studio_s" | bc)
  printf 'round %d: cli %.2f s, studio %.2f s (%+.1f %%)  load %s\n' "$round" "$cli_s" "$studio_s" \
    "$(echo "($studio_s - $cli_s) * 100 / $cli_s" | bc -l)" "$(cut -d' ' -f1 /proc/loadavg)"
done
printf 'all %d rounds: cli %.1f s, studio %.1f s (%+.1f %%)\n' "$rounds" "$cli_total" "$studio_total" \
  "$(echo "($studio_total - $cli_total) * 100 / $cli_total" | bc -l)"
