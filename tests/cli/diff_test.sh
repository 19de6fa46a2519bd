#!/usr/bin/env bash
# `moeplan diff A.json B.json` on two real `moeplan run --format json` results of the small dense scenario
# (the second on H200 with another seed): the changed inputs and figures are shown, every output format
# parses, the text fits 120 columns, and bad input is a located user error with exit code 2.
# Usage: diff_test.sh path/to/moeplan   (run from the repository root)
set -euo pipefail
bin="$1"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$bin" run scenarios/small-dense.yaml --fidelity analytic --format json >"$tmp/a.json"
"$bin" run scenarios/small-dense.yaml --fidelity analytic --gpu h200 --seed 7 --format json >"$tmp/b.json"

"$bin" diff "$tmp/a.json" "$tmp/b.json" >"$tmp/diff.txt"
cat "$tmp/diff.txt"
grep -Eq '^GPU +h100-sxm +h200$' "$tmp/diff.txt" || fail "the GPU change is not listed"
grep -Eq '^seed +1 +7$' "$tmp/diff.txt" || fail "the seed change is not listed"
grep -Eq '^step time .*[+-][0-9.]+%$' "$tmp/diff.txt" || fail "no relative step-time change"
awk 'length($0) > 120 { print "line " NR " has " length($0) " columns"; bad = 1 } END { exit bad }' "$tmp/diff.txt" \
  || fail "text output wider than 120 columns"

# The same result against itself: nothing changed.
"$bin" diff "$tmp/a.json" "$tmp/a.json" >"$tmp/self.txt"
grep -q 'inputs: the same in both' "$tmp/self.txt" || fail "self-diff shows a change"

# JSON: the step-time change is B - A of the two results' step.time_s.
"$bin" diff "$tmp/a.json" "$tmp/b.json" --format json >"$tmp/diff.json"
python3 - "$tmp/a.json" "$tmp/b.json" "$tmp/diff.json" <<'PY'
import json, sys
a, b, d = (json.load(open(p)) for p in sys.argv[1:])
assert d["kind"] == "diff", d["kind"]
f = {x["key"]: x for x in d["figures"]}
want = b["step"]["time_s"] - a["step"]["time_s"]
got = f["step.time_s"]["change"]
print(f"step.time_s change: {got} (A {a['step']['time_s']}, B {b['step']['time_s']})")
assert abs(got - want) <= 1e-12 * max(1.0, abs(want)), (got, want)
assert abs(f["step.time_s"]["change_rel"] - want / a["step"]["time_s"]) < 1e-12
i = {x["key"]: x for x in d["inputs"]}
assert i["inputs.gpu"]["changed"] and i["inputs.gpu"]["b"] == "h200"
assert not i["inputs.plan_summary"]["changed"]
PY
# (Outputs go to files first: a reader that stops early would end moeplan with SIGPIPE under pipefail.)
"$bin" diff "$tmp/a.json" "$tmp/b.json" --format csv >"$tmp/diff.csv"
head -1 "$tmp/diff.csv" | grep -qx 'section,key,label,a,b,change,change_rel,changed' || fail "csv header"
"$bin" diff "$tmp/a.json" "$tmp/b.json" --format md >"$tmp/diff.md"
grep -q '^| step time |' "$tmp/diff.md" || fail "markdown table"

# A report directory stands for its results.json.
"$bin" run scenarios/small-dense.yaml --fidelity analytic --gpu h200 --seed 7 --report "$tmp/report-b" >/dev/null
"$bin" diff "$tmp/b.json" "$tmp/report-b" >"$tmp/dir.txt"
grep -q 'inputs: the same in both' "$tmp/dir.txt" || fail "report directory not read"

# Bad input: exit 2 and a message that names the file (and the line:column or key).
expect_user_error() {  # expected-message-pattern args...
  local pattern="$1"; shift
  set +e
  "$bin" diff "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  set -e
  [[ $rc -eq 2 ]] || fail "diff $* exited $rc, expected 2"
  grep -Eq "$pattern" "$tmp/err" || fail "diff $*: message '$(cat "$tmp/err")' does not match '$pattern'"
  echo "ok (exit 2): $(cat "$tmp/err")"
}
expect_user_error "$tmp/missing.json: no such file" "$tmp/missing.json" "$tmp/b.json"
printf '{\n  "kind": "run",\n  "step": {\n' >"$tmp/cut.json"
expect_user_error "$tmp/cut.json:4:1: malformed JSON" "$tmp/a.json" "$tmp/cut.json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["kind"]="sweep"; json.dump(d, open(sys.argv[2],"w"))' \
  "$tmp/a.json" "$tmp/sweep.json"
expect_user_error "$tmp/sweep.json: \`kind\`: not a moeplan run result" "$tmp/sweep.json" "$tmp/b.json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["schema_version"]=99; json.dump(d, open(sys.argv[2],"w"))' \
  "$tmp/a.json" "$tmp/v99.json"
expect_user_error "$tmp/v99.json: \`schema_version\`: written under results.json schema 99" "$tmp/a.json" "$tmp/v99.json"
mkdir "$tmp/empty"
expect_user_error "$tmp/empty: a directory without results.json" "$tmp/a.json" "$tmp/empty"
expect_user_error "unknown output format" "$tmp/a.json" "$tmp/b.json" --format html
echo "diff: all checks passed"
