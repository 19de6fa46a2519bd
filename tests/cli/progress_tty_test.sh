#!/usr/bin/env bash
# Progress of the slow commands, seen as a user sees it: each command runs on a pseudo-terminal (script(1)),
# where stderr is a terminal, and must draw its bar (the "\r ESC[K" redraw, a count and a percentage) and erase
# it before the results; with --quiet nothing but the results may appear. On a pipe a quick command stays silent.
# Usage: progress_tty_test.sh path/to/moeplan   (run from the repository root)
set -euo pipefail
bin="$(realpath "$1")"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
command -v script >/dev/null || { echo "SKIP: script(1) not installed"; exit 0; }

# Runs "$@" on a pseudo-terminal; the session's bytes (stdout and stderr together) land in $tmp/tty.
on_tty() {
  local cmd
  printf -v cmd '%q ' "$@"
  script -qec "$cmd" /dev/null >"$tmp/tty" </dev/null || fail "on a terminal: $* exited non-zero: $(tail -c 600 "$tmp/tty")"
}
esc=$'\033[K'

# name | expected stage words | command
check() {
  local name="$1" stage="$2"
  shift 2
  on_tty "$bin" "$@"
  grep -qF "$esc" "$tmp/tty" || fail "$name: no progress bar drawn on a terminal"
  grep -qF "$stage" "$tmp/tty" || fail "$name: the bar does not name the stage \`$stage\`: $(head -c 400 "$tmp/tty" | cat -v)"
  grep -qE '[0-9]+/[0-9]+' "$tmp/tty" || fail "$name: the bar shows no count"
  grep -qE '[0-9]+%' "$tmp/tty" || fail "$name: the bar shows no percentage"
  on_tty "$bin" "$@" --quiet
  if grep -qF "$esc" "$tmp/tty" || grep -qF "$stage" "$tmp/tty"; then
    fail "$name --quiet: progress drawn anyway: $(head -c 400 "$tmp/tty" | cat -v)"
  fi
  [[ -s "$tmp/tty" ]] || fail "$name --quiet: no results printed"
  echo "ok: $name"
}

check "plan" "analytic scan of" plan scenarios/small-dense.yaml --top 2 --des 4
check "compare" "h200 (GPU 2/2): DES re-timing" compare scenarios/small-dense.yaml --gpus h100-sxm,h200 --des 2
check "run des-full" "des-full step" run scenarios/small-dense.yaml --fidelity des-full
check "serve" "serving simulation of" serve scenarios/deepseek-v3-serving-h800.yaml --set duration=60s --set warmup=5s
check "validate" "published training runs" validate --format csv

# The bar is erased before the results: the report's first line follows the erase, not the bar.
on_tty "$bin" run scenarios/small-dense.yaml --fidelity des-full
grep -qF "${esc}moeplan report: small-dense" "$tmp/tty" ||
  fail "run: the report does not start on a cleared line: $(head -c 600 "$tmp/tty" | cat -v)"

# Not a terminal: a command that finishes within seconds writes nothing on stderr.
"$bin" plan scenarios/small-dense.yaml --top 2 --des 4 >/dev/null 2>"$tmp/err"
[[ ! -s "$tmp/err" ]] || fail "plan on a pipe wrote to stderr: $(cat "$tmp/err")"
echo "ok: quiet on a pipe"
