#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# check.sh [all|lint|backport]: run every check (or only the static ones),
# record one PASS/FAIL/SKIP line per check or test case in the results
# file, and end with "check: N passed, N failed, N skipped". Exits
# non-zero on any failure, and when nothing passed.
#
#   all       everything on the default base (7.3), then the backport
#   lint      the static checks on the default base
#   backport  (run by "all", with BASE=6.12) the 6.12 backport: its series,
#             checkpatch, git am, W=1 and sparse, KUnit, and the e2e cases
#             LTS users depend on; results named "6.12:<check>"
source "$(dirname "$0")/lib.sh"

mode=${1:-all}
export CHECK_T0=${CHECK_T0:-$(date +%s)}
mkdir -p "$OUT/logs"
[ "$mode" = backport ] || rm -f "$RESULTS"
# The e2e cases of the backport: DMA API copies, unmanaged domains,
# faults, runtime PM and system sleep, the display path, on the H6 with
# the defaults.
LTS_CASES="dma-domain-dmatest unmanaged-unmap-fault readonly-write-fault fault-storm runtime-pm system-sleep display display-sleep display-late-iommu display-fault"

# run NAME CMD...: one check; its output goes to $OUT/logs/NAME.log.
run() {
	local name=$1 log=$OUT/logs/$1.log
	shift
	step "check $name"
	if "$@" >"$log" 2>&1; then
		pass "$name"
	else
		fail "$name (see $log)"
		tail -n 15 "$log" | sed 's/^/    /'
		return 1
	fi
}

# no_warnings NAME CMD...: like run, and our files must draw no warning.
no_warnings() {
	local name=$1 log=$OUT/logs/$1.log
	shift
	step "check $name"
	if ! "$@" >"$log" 2>&1; then
		fail "$name (build failed, see $log)"
		tail -n 15 "$log" | sed 's/^/    /'
	elif grep -E 'sun50i-iommu[^ ]*:[0-9]+:[0-9]+: (warning|error)' "$log"; then
		fail "$name (warnings, see $log)"
	else
		pass "$name"
	fi
}

summary() {
	step "every check ran"
	passed=$(grep -c '^PASS ' "$RESULTS" || true)
	failed=$(grep -c '^FAIL ' "$RESULTS" || true)
	skipped=$(grep -c '^SKIP ' "$RESULTS" || true)
	echo "check: $passed passed, $failed failed, $skipped skipped"
	[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
}

# Everything else checks the prepared tree: without it, stop here.
if ! run prepare-tree "$TOP/tooling/prepare-tree.sh"; then
	[ "$mode" = backport ] || summary
	exit 1
fi
run series-export "$TOP/tooling/series.sh" || true
run checkpatch "$TOP/tooling/check-series.sh" checkpatch || true
run series-git-am "$TOP/tooling/check-series.sh" apply || true
no_warnings w1-sparse-arm64 "$TOP/tooling/build.sh" warnings
if [ "$mode" = backport ]; then
	"$TOP/tooling/kunit.sh"
	E2E_RUNS='^h6,default$' "$TOP/tooling/e2e.sh" ours $LTS_CASES || true
	exit 0
fi
no_warnings compile-test-x86_64 "$TOP/tooling/build.sh" compile-test x86_64
no_warnings compile-test-arm "$TOP/tooling/build.sh" compile-test arm
# The DT checks run in a Debian 13 root: 7.3 wants a newer dt-schema than
# Debian 12 has (tooling/dt-root.sh).
step "check dt (in the Debian 13 root)"
{ root=$("$TOP/tooling/dt-root.sh") &&
	"$TOP/tooling/in-root.sh" "$root" "$TOP/tooling/check-dt.sh" "$TREE" \
		"$BUILD/dt"; } >"$OUT/logs/dt.log" 2>&1 || true
grep -E '^(PASS|FAIL|SKIP) ' "$OUT/logs/dt.log" | while read -r res name; do
	case $res in
	PASS) pass "dt-$name" ;;
	SKIP) skip "dt-${name%%:*}" "${name#*: }" ;;
	*) fail "dt-$name" ;;
	esac
done
grep -q '^PASS ' "$OUT/logs/dt.log" || fail "dt (no result, see $OUT/logs/dt.log)"

# qtest NAME WHAT: tooling/qtest-NAME.py, one result per case
# (qtest.CASE for the IOMMU model's, as before, qtest-NAME.CASE otherwise).
qtest() {
	local log=$OUT/logs/qtest-$1.log prefix=qtest-$1
	[ "$1" != iommu ] || { log=$OUT/logs/qtest.log; prefix=qtest; }
	step "check $2 (qtest)"
	python3 "$TOP/tooling/qtest-$1.py" >"$log" 2>&1 || true
	sed -n 's/^\(not \)\{0,1\}ok - \([^ ]*\).*/\1\2/p' "$log" |
		while read -r a b; do
			if [ "$a" = not ]; then fail "$prefix.$b"; else pass "$prefix.$a"; fi
		done
	grep -qE '^[1-9][0-9]* passed, 0 failed$' "$log" ||
		fail "$prefix (see $log)"
}

if [ "$mode" = all ]; then
	run build-image "$TOP/tooling/build.sh" image || true
	"$TOP/tooling/kunit.sh"
	run emulator-build "$TOP/tooling/emulator.sh" || true
	qtest iommu "the IOMMU model"
	qtest display "the display path's models"
	"$TOP/tooling/e2e.sh" || true
	"$TOP/tooling/bench.sh" quick || true
	step "the 6.12 backport"
	BASE=6.12 "$0" backport || true
fi

summary
