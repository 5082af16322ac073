#!/usr/bin/env bash
# Times two builds of the CLI on the default composite, interleaved run by run with ffmpeg alone decoding and encoding
# the same clip (the video bench's baseline), and prints medians of wall and CPU time (the process tree's user + system)
# with their ratios to ffmpeg. BACKGROUND is what the composites key over: an image (a 1920×1080 gradient, the default)
# or "blur" (the frame itself blurred, which costs more per frame).
#   bench/compare-builds.sh BEFORE.dll AFTER.dll [CLIP] [RUNS] [BACKGROUND]
# Build an older commit's CLI with: git worktree add /tmp/before COMMIT && dotnet build /tmp/before/src/Synthstage.Cli -c Release
set -euo pipefail
before="$1"; after="$2"
clip="${3:-$(dirname "$0")/../../shared/data/footage/juggle.mp4}"; runs="${4:-5}"; background="${5:-image}"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
if [[ "$background" == image ]]; then
  ffmpeg -v error -f lavfi -i "gradients=s=1920x1080" -frames:v 1 "$work/background.png"
  background="$work/background.png"
fi
size="$(ffprobe -v error -select_streams v:0 -show_entries stream=width,height -of csv=p=0:s=x "$clip")"
rate="$(ffprobe -v error -select_streams v:0 -show_entries stream=r_frame_rate -of csv=p=0 "$clip")"
timed() { local name="$1"; shift; /usr/bin/time -f "$name %e %U %S" -a -o "$work/times" "$@" >/dev/null 2>&1; }
dotnet "$after" composite "$clip" --background "$background" -o "$work/warm.mp4" >/dev/null 2>&1
for _ in $(seq "$runs"); do
  timed ffmpeg bash -c "ffmpeg -v error -i '$clip' -f rawvideo -pix_fmt rgb24 - | ffmpeg -v error -y -f rawvideo -pix_fmt rgb24 -s $size -r $rate -i - -c:v libx264 -preset veryfast -crf 18 -pix_fmt yuv420p '$work/base.mp4'"
  timed before dotnet "$before" composite "$clip" --background "$background" -o "$work/before.mp4" --preset veryfast --crf 18
  timed after dotnet "$after" composite "$clip" --background "$background" -o "$work/after.mp4" --preset veryfast --crf 18
done
median() { sort -n | awk '{v[NR]=$1} END {print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }
for job in ffmpeg before after; do
  wall="$(awk -v j=$job '$1==j {print $2}' "$work/times" | median)"
  cpu="$(awk -v j=$job '$1==j {print $3+$4}' "$work/times" | median)"
  echo "$job $wall $cpu"
done | awk 'NR==1 {w0=$2; c0=$3} {printf "%-7s wall %6.2f s (%.2f×)   CPU %6.2f s (%.2f×)\n", $1, $2, $2/w0, $3, $3/c0}'
