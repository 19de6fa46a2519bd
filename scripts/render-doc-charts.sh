#!/usr/bin/env bash
# Regenerates the chart images shown in README.md: runs the DeepSeek-V3 scenario with --report and renders
# two of its SVG charts to PNG with headless Chromium:
#   docs/deepseek-v3-memory.png    memory per GPU by pipeline stage  (charts/memory.svg)
#   docs/deepseek-v3-pipeline.png  DualPipe Gantt of one step        (charts/pipeline.svg)
# Each SVG is wrapped in a page exactly its own size, so the PNG has no empty margin.
# Environment: BUILD_DIR (default build), JOBS (default nproc), CHROMIUM (default: first of chromium,
# chromium-browser, google-chrome on PATH).
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir="${BUILD_DIR:-build}"
jobs="${JOBS:-$(nproc)}"
scenario="scenarios/deepseek-v3-h800.yaml"

chromium="${CHROMIUM:-}"
if [[ -z "$chromium" ]]; then
  for name in chromium chromium-browser google-chrome; do
    if command -v "$name" >/dev/null 2>&1; then chromium="$(command -v "$name")"; break; fi
  done
fi
if [[ -z "$chromium" ]]; then
  echo "render-doc-charts: headless Chromium not found (tried chromium, chromium-browser, google-chrome" \
       "on PATH); install it (apt-get install chromium) or set CHROMIUM=/path/to/chromium" >&2
  exit 2
fi
if [[ ! -x "$chromium" ]]; then
  echo "render-doc-charts: CHROMIUM=$chromium is not an executable file" >&2
  exit 2
fi

# Configure only when the build directory is new; ninja then rebuilds moeplan only if a source changed.
if [[ ! -f "$build_dir/CMakeCache.txt" ]]; then
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release
fi
cmake --build "$build_dir" --target moeplan -j"$jobs"

work="$(mktemp -d "${TMPDIR:-/tmp}/moeplan-doc-charts.XXXXXX")"
trap 'rm -rf "$work"' EXIT

"$build_dir/moeplan" run "$scenario" --report "$work/report" > "$work/run.txt"

# Prints "WIDTH HEIGHT" of the root <svg> element: its width/height attributes, else its viewBox.
svg_size() {
  local tag w h vb
  tag="$(tr '\n' ' ' < "$1" | grep -o '<svg [^>]*>' | head -n 1)"
  w="$(sed -n 's/.* width="\([0-9.]*\)".*/\1/p' <<< "$tag")"
  h="$(sed -n 's/.* height="\([0-9.]*\)".*/\1/p' <<< "$tag")"
  if [[ -z "$w" || -z "$h" ]]; then
    vb="$(sed -n 's/.* viewBox="\([^"]*\)".*/\1/p' <<< "$tag")"
    read -r _ _ w h <<< "$vb"
  fi
  if [[ -z "$w" || -z "$h" ]]; then
    echo "render-doc-charts: no width/height or viewBox on the <svg> element of $1" >&2
    return 1
  fi
  # Round up so that a fractional size is never clipped.
  printf '%s %s\n' "$(awk -v x="$w" 'BEGIN{print int(x) + (x > int(x))}')" \
                   "$(awk -v x="$h" 'BEGIN{print int(x) + (x > int(x))}')"
}

# render CHART_ID OUTPUT_PNG SCALE   (SCALE: device pixels per SVG pixel)
render() {
  local svg="$work/report/charts/$1.svg" out="$2" scale="$3" page="$work/$1.html" w h
  [[ -f "$svg" ]] || { echo "render-doc-charts: the report has no chart '$1' ($svg)" >&2; exit 1; }
  read -r w h < <(svg_size "$svg")
  {
    printf '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><style>'
    printf 'html,body{margin:0;padding:0;background:#fff;overflow:hidden}svg{display:block}'
    printf '</style></head><body>\n'
    grep -v '^<?xml' "$svg"
    printf '</body></html>\n'
  } > "$page"
  # A private profile keeps the run independent of (and from writing to) the user's browser settings.
  if ! timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --hide-scrollbars \
      --user-data-dir="$work/profile" --force-device-scale-factor="$scale" --window-size="$w,$h" \
      --default-background-color=ffffffff --screenshot="$work/$1.png" "file://$page" \
      > "$work/chromium.out" 2>&1; then
    cat "$work/chromium.out" >&2
    echo "render-doc-charts: chromium failed to render $svg" >&2
    exit 1
  fi
  # A blank white page of this size compresses to a few KB; a drawn chart is far larger.
  local bytes
  bytes="$(stat -c %s "$work/$1.png" 2>/dev/null || echo 0)"
  if (( bytes < 10000 )); then
    echo "render-doc-charts: $1.png is only $bytes bytes; the chart looks blank" >&2
    exit 1
  fi
  mkdir -p "$(dirname "$out")"
  cp "$work/$1.png" "$out"
  echo "wrote $out (${w}x${h} at ${scale}x, $bytes bytes)"
}

# The memory chart is drawn at 2x for sharp text on high-density screens. The Gantt stays at 1x: its
# thousands of hatched chunks compress poorly, and at 2x the file passes 300 KB.
render memory docs/deepseek-v3-memory.png 2
render pipeline docs/deepseek-v3-pipeline.png 1
