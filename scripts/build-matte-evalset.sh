#!/usr/bin/env bash
# Builds a small synthetic matte evaluation set from the shared footage, into a git-ignored folder.
#
# Design: the juggler's matte is taken from the best model we have ($MODEL, default pose-full: BlazePose GHUM)
# with bilinear enlargement and no softness (so the
# reference does not favour the guided filter), binarised at full resolution and cleaned (morphological open, then
# close). The juggler is then composited with exactly that alpha over other moving backgrounds: the coffee clip, and
# ffmpeg's moving test pattern. Every edge of the subject in these images is therefore exactly an edge of the
# ground-truth alpha, and the background is one the model never saw with this subject.
#
# Output (default artifacts/matte-evalset, or the folder given as $1):
#   <bg>.mkv, <bg>-alpha.mkv    lossless composite video and its alpha (grey) for `eval matte --video --alpha`
#   images/<bg>-NNN.png, masks/<bg>-NNN.png   every 8th frame, for `eval matte --images --masks`
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$here/artifacts/matte-evalset}"
footage="$here/../shared/data/footage"
frames=96
[ -f "$footage/juggle.mp4" ] || { echo "error: $footage/juggle.mp4 not found (place ../shared beside the repository)" >&2; exit 3; }
command -v ffmpeg >/dev/null || { echo "error: ffmpeg not found (apt-get install -y ffmpeg)" >&2; exit 1; }
mkdir -p "$out/images" "$out/masks"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
ff() { ffmpeg -nostdin -hide_banner -v error -y "$@"; }

model="${MODEL:-pose-full}"
echo "1/3 reference matte of the juggler ($model, bilinear, hard threshold)"
"$here/synthstage" matte "$footage/juggle.mp4" -o "$work/mask.mp4" --model "$model" --no-watermark --kind mask --refine off --softness 0 --feather 0 --crf 0 >/dev/null
ff -i "$work/mask.mp4" -frames:v "$frames" \
   -vf "format=gray,lut=y='if(gte(val\,128)\,255\,0)',erosion,dilation,dilation,erosion" \
   -c:v ffv1 -pix_fmt gray "$work/alpha.mkv"

echo "2/3 composites over moving backgrounds"
declare -A backgrounds=(
  [coffee]="-i $footage/coffee.mp4"
  [pattern]="-f lavfi -i testsrc2=size=1280x720:rate=24"
)
for bg in coffee pattern; do
  # shellcheck disable=SC2086
  ff -i "$footage/juggle.mp4" -i "$work/alpha.mkv" ${backgrounds[$bg]} -frames:v "$frames" -filter_complex \
     "[2:v]fps=24,scale=1280:720:force_original_aspect_ratio=increase,crop=1280:720,setsar=1,format=rgb24[bg];[1:v]format=gray[a];[0:v]format=rgb24[fg];[fg][a]alphamerge[fga];[bg][fga]overlay=format=rgb,format=rgb24[v]" \
     -map "[v]" -c:v ffv1 -pix_fmt bgr0 "$out/$bg.mkv"
  cp "$work/alpha.mkv" "$out/$bg-alpha.mkv"
done

echo "3/3 stills: every 8th frame"
for bg in coffee pattern; do
  ff -i "$out/$bg.mkv" -vf "select='not(mod(n\,8))'" -fps_mode passthrough "$out/images/$bg-%03d.png"
  ff -i "$out/$bg-alpha.mkv" -vf "select='not(mod(n\,8))'" -fps_mode passthrough -pix_fmt gray "$out/masks/$bg-%03d.png"
done
echo "wrote $out: $(ls "$out/images" | wc -l) images with masks, videos: $(cd "$out" && ls *.mkv | tr '\n' ' ')"
