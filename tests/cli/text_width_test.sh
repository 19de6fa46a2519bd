#!/usr/bin/env bash
# Text output fits a 120-column terminal: the DeepSeek-V3 report from the real binary has no line over 120
# columns, keeps every row it had (long values wrap, nothing is cut), leaves the op-level tables to --detail,
# and --wide prints the tables as wide as they come.
# Usage: text_width_test.sh path/to/moeplan   (run from the repository root)
set -euo pipefail
bin="$(realpath "$1")"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
# Longest line in code points (the report has a few UTF-8 characters).
longest() { python3 -c 'import sys; print(max(len(l.rstrip("\n")) for l in open(sys.argv[1], encoding="utf-8")))' "$1"; }

scenario=scenarios/deepseek-v3-h800.yaml
"$bin" run "$scenario" -q >"$tmp/fit.txt"
"$bin" run "$scenario" -q --wide --detail >"$tmp/wide.txt"
"$bin" run "$scenario" -q --detail >"$tmp/detail.txt"

w="$(longest "$tmp/fit.txt")"
echo "DeepSeek-V3 report: longest line $w columns (limit 120), $(wc -l <"$tmp/fit.txt") lines"
[[ "$w" -le 120 ]] || fail "a line is $w columns wide: $(awk 'length > 120' "$tmp/fit.txt" | head -3)"
w="$(longest "$tmp/detail.txt")"
[[ "$w" -le 120 ]] || fail "--detail: a line is $w columns wide"
w="$(longest "$tmp/wide.txt")"
[[ "$w" -gt 120 ]] || fail "--wide printed nothing wider than 120 columns ($w): the inputs are no longer whole"

# Op-level tables only with --detail; the default says where they are.
grep -q "by operation" "$tmp/detail.txt" || fail "--detail shows no op-level table"
grep -q "^Time of one .* by operation$\|^Time of one .*per micro-batch, by operation" "$tmp/fit.txt" &&
  fail "op-level tables shown without --detail"
grep -q -- "--detail" "$tmp/fit.txt" || fail "the default report does not say how to see the op-level tables"

# Nothing is lost: every word of the wide report's inputs section is in the fitted one, in order.
section() { awk '/^Inputs /{on=1} on && /^$/{exit} on' "$1" | tr -s ' \n' '\n\n' | grep -v '^-*$'; }
diff <(section "$tmp/wide.txt") <(section "$tmp/fit.txt") >/dev/null ||
  fail "the inputs section lost or reordered words when fitted: $(diff <(section "$tmp/wide.txt") <(section "$tmp/fit.txt") | head -5)"

# The plan table of the small scenario fits too (its `why` column wraps).
"$bin" plan scenarios/small-dense.yaml -q --top 5 --des 5 >"$tmp/plan.txt"
w="$(longest "$tmp/plan.txt")"
echo "plan table: longest line $w columns"
[[ "$w" -le 120 ]] || fail "plan: a line is $w columns wide"
echo "ok: text output fits 120 columns"
