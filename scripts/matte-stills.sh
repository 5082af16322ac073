#!/usr/bin/env bash
# Stills of the matte for chosen frames: each frame of VIDEO is keyed with the matte `synthstage matte` makes
# (default settings, $MODEL) onto flat purple, so any part of the body the matte drops shows as purple; the frames
# are cropped ($CROP, ffmpeg w:h:x:y, default the lower body in juggle.mp4), halved and tiled five across into one JPEG.
#
# Usage: scripts/matte-stills.sh VIDEO OUT.jpg FRAME...   (frame numbers count from 0; $MATTE_ARGS go to `matte`)
# Example: MODEL=pose-full scripts/matte-stills.sh ../shared/data/footage/juggle.mp4 feet.jpg 31 46 107 217
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
[ $# -ge 3 ] || { echo "usage: $0 VIDEO OUT.jpg FRAME..." >&2; exit 2; }
video="$1" out="$2"; shift 2
[ -f "$video" ] || { echo "error: $video not found" >&2; exit 3; }
command -v ffmpeg >/dev/null || { echo "error: ffmpeg not found (apt-get install -y ffmpeg)" >&2; exit 1; }
model="${MODEL:-pose-full}" crop="${CROP:-760:520:300:200}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# shellcheck disable=SC2086 # MATTE_ARGS is split into arguments on purpose
"$here/synthstage" matte "$video" -o "$work/mask.mp4" --model "$model" --kind mask --no-watermark --crf 0 ${MATTE_ARGS:-} >/dev/null 2>&1
select="$(printf 'eq(n\\,%d)+' "$@")"; select="${select%+}"
columns=$(( $# < 5 ? $# : 5 )) rows=$(( ($# + 4) / 5 ))
ffmpeg -nostdin -hide_banner -v error -y -i "$video" -i "$work/mask.mp4" -filter_complex \
  "[0:v]select='$select',setpts=N/(25*TB),format=rgba[frame];
   [1:v]select='$select',setpts=N/(25*TB),format=gray[matte];
   [frame][matte]alphamerge,split[keyed][paint];
   [paint]lutrgb=r=96:g=32:b=96:a=255[purple];
   [purple][keyed]overlay,crop=$crop,scale=iw/2:-2,tile=${columns}x${rows}" \
  -frames:v 1 -q:v 3 "$out"
echo "wrote $out ($# frames, $model)"
