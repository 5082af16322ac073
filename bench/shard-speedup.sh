#!/bin/bash
# Sharding overhead and local speed-up: a tiny forged walk rendered once by `walk`, then planned into 4 shards and
# rendered by 1, 2 and 4 local workers (xargs -P), each run stitched. Prints wall times; see docs/sharding.md.
# Usage: bench/shard-speedup.sh [CLI_DLL]  (default: the Debug build of src/Synthstage.Cli)
set -euo pipefail
cd "$(dirname "$0")/.."
CLI=(dotnet "${1:-src/Synthstage.Cli/bin/Debug/net10.0/Synthstage.Cli.dll}")
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
"${CLI[@]}" forge sd15 -o "$WORK/model" --seed 1234 --vocab ../shared/data/clip/bpe_simple_vocab_16e6.txt.gz >/dev/null 2>&1
SETTINGS=(--model "$WORK/model" --prompt "a cat" --seed 1 --prompt "a dog" --seed 2 --prompt "a cow" --seed 3
  --frames 31,32 -W 64 -H 48 --no-ort-cache --no-watermark --steps 8)
now() { date +%s.%N; }
t0=$(now); "${CLI[@]}" walk "${SETTINGS[@]}" -o "$WORK/single.mp4" >/dev/null 2>&1; t1=$(now)
printf 'single walk: %.2f s (64 frames)\n' "$(echo "$t1 - $t0" | bc)"
for workers in 1 2 4; do
  job="$WORK/job$workers"
  t0=$(now); "${CLI[@]}" plan walk "${SETTINGS[@]}" --shards 4 -o "$job" >/dev/null 2>&1; t1=$(now)
  printf '0\n1\n2\n3\n' | xargs -P "$workers" -I{} "${CLI[@]}" render-shard "$job" --index {} >/dev/null 2>&1; t2=$(now)
  "${CLI[@]}" stitch "$job" -o "$WORK/out$workers.mp4" >/dev/null 2>&1; t3=$(now)
  printf '%d workers: plan %.2f s, shards %.2f s, stitch %.2f s, total %.2f s\n' "$workers" \
    "$(echo "$t1 - $t0" | bc)" "$(echo "$t2 - $t1" | bc)" "$(echo "$t3 - $t2" | bc)" "$(echo "$t3 - $t0" | bc)"
done
