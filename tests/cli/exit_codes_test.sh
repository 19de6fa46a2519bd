#!/bin/sh
# Exit codes and first lines of `moeplan run` a user acts on: a plan that does not fit is a user error (exit 2)
# naming the overrun and the largest part; --allow-oom simulates it with DOES NOT FIT as the first line; a phase
# whose token budget is below one step is an error; the README's example scenario fits and runs.
# Usage: exit_codes_test.sh MOEPLAN_BINARY (run from the repository root).
set -u
bin=$1
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check() {  # check NAME EXPECTED_RC ACTUAL_RC
  if [ "$2" != "$3" ]; then echo "FAIL $1: exit $3, expected $2"; fail=1; else echo "ok   $1 (exit $3)"; fi
}
contains() {  # contains NAME FILE TEXT
  if grep -qF -- "$3" "$2"; then echo "ok   $1"; else echo "FAIL $1: '$3' not in:"; cat "$2"; fail=1; fi
}

"$bin" run scenarios/small-dense.yaml --fidelity analytic >"$tmp/ok.txt" 2>&1
check "README example small-dense runs" 0 $?
contains "README example fits" "$tmp/ok.txt" "fits in memory"

"$bin" run scenarios/small-dense.yaml --fidelity analytic --set parallel.recompute=selective >"$tmp/oom.txt" 2>"$tmp/oom.err"
check "non-fitting plan is a user error" 2 $?
contains "message names the overrun" "$tmp/oom.err" "needs 119 GiB of 80.0 GiB per GPU (over by 38.7 GiB"
contains "message names the largest part" "$tmp/oom.err" "largest part: activations"
contains "message hints at --allow-oom" "$tmp/oom.err" "--allow-oom"
if [ -s "$tmp/oom.txt" ]; then echo "FAIL non-fitting plan printed a report:"; cat "$tmp/oom.txt"; fail=1; fi

"$bin" run scenarios/small-dense.yaml --fidelity analytic --set parallel.recompute=selective --allow-oom >"$tmp/allow.txt" 2>&1
check "--allow-oom simulates" 0 $?
first=$(head -c 13 "$tmp/allow.txt")
if [ "$first" = "DOES NOT FIT:" ]; then echo "ok   DOES NOT FIT is the first line"; else echo "FAIL first line: $first"; fail=1; fi

"$bin" run scenarios/small-dense.yaml --fidelity analytic --set parallel.recompute=selective --allow-oom \
    --report "$tmp/report" >/dev/null 2>&1
check "--allow-oom writes a report" 0 $?
contains "HTML headline says DOES NOT FIT" "$tmp/report/report.html" "<h1>DOES NOT FIT: moeplan report"

"$bin" run scenarios/small-dense.yaml --fidelity analytic --set 'training.phases[0].tokens=14.8' >/dev/null 2>"$tmp/tok.err"
check "zero-step phase is a user error" 2 $?
contains "zero-step message is located" "$tmp/tok.err" "override \`training.phases[0].tokens=14.8\`"
contains "zero-step message gives the hint" "$tmp/tok.err" "14.8T"

# --gpu on a scenario that pins its own GPU's price: the pinned price is dropped for the new GPU's catalog
# quote (H100 SXM $2.45/GPU-h, not the H800's $2.00), with a note; a GPU without a quote has no price, not $0.
"$bin" run scenarios/deepseek-v3-h800.yaml --fidelity analytic --gpu h100-sxm --format json >"$tmp/h100.json" 2>&1
check "--gpu h100-sxm runs" 0 $?
contains "--gpu uses the new GPU's catalog price" "$tmp/h100.json" '"usd_per_gpu_hour": 2.45'
contains "--gpu says the pinned price was dropped" "$tmp/h100.json" "was set for its own GPU and is dropped"
"$bin" run scenarios/deepseek-v3-h800.yaml --fidelity analytic --gpu h20 >"$tmp/h20.txt" 2>&1
check "--gpu h20 runs without a price" 0 $?
contains "no price is said, not \$0" "$tmp/h20.txt" "no price (h20 has no rental quote"
if grep -qF '$0.00' "$tmp/h20.txt"; then echo "FAIL h20 report shows \$0.00"; fail=1; else echo "ok   h20 report has no \$0.00"; fi
if grep -qE ' 0 MWh|: 0 MWh' "$tmp/h20.txt"; then echo "FAIL h20 report shows 0 MWh"; fail=1; else echo "ok   h20 energy is not 0"; fi
"$bin" run scenarios/deepseek-v3-h800.yaml --fidelity analytic --gpu h100-sxm --set 'price.usd_per_gpu_hour=$3/h' \
    --format json >"$tmp/h100set.json" 2>&1
contains "--set price keeps the given price" "$tmp/h100set.json" '"usd_per_gpu_hour": 3.0'

# An oversubscribed fabric costs something only where it is modelled (des-full); below that it is refused.
"$bin" run scenarios/small-dense.yaml --set cluster.topology.oversubscription=2 >/dev/null 2>"$tmp/os.err"
check "oversubscription at des is refused" 2 $?
contains "the refusal names the fidelity that models it" "$tmp/os.err" "modelled only at fidelity \`des-full\`"
"$bin" run scenarios/small-dense.yaml --fidelity analytic --set cluster.topology.oversubscription=2 >/dev/null 2>&1
check "oversubscription at analytic is refused" 2 $?

# TP/GEMM overlap needs peer-to-peer access: refused on a cluster with P2P off.
"$bin" memory scenarios/small-dense.yaml --set parallel.tp=2 --set parallel.dp=8 --set parallel.tp_comm_overlap=true \
    --set cluster.p2p=false >/dev/null 2>"$tmp/p2p.err"
check "tp_comm_overlap without P2P is refused" 2 $?
contains "the refusal says why" "$tmp/p2p.err" "needs peer-to-peer access"

# Multi-site scenarios: `run` and `compare` take them; the one-cluster commands refuse them (exit 2) rather than
# silently planning the sites as one cluster.
"$bin" run scenarios/scale-out/intellect-1-usa.yaml >"$tmp/sites.txt" 2>&1
check "multi-site run" 0 $?
contains "multi-site run has a Scale out section" "$tmp/sites.txt" "compute utilisation"
"$bin" compare scenarios/scale-out/rtx4090-swarm.yaml --wide >"$tmp/cmp.txt" 2>&1
check "compare runs a compare: list" 0 $?
contains "compare lists the options" "$tmp/cmp.txt" "the report's 32 H100s in one datacentre"
"$bin" plan scenarios/scale-out/intellect-1-usa.yaml >/dev/null 2>"$tmp/plan.err"
check "plan refuses sites" 2 $?
contains "plan names the sites" "$tmp/plan.err" "models one cluster, and this scenario lists 4 sites"
"$bin" memory scenarios/scale-out/intellect-1-usa.yaml >/dev/null 2>"$tmp/mem.err"
check "memory refuses sites" 2 $?

exit $fail
