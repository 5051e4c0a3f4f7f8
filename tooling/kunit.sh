#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# kunit.sh [sanitizers|board]: run the driver's KUnit suite on arm64 and
# record one result per test case; any kernel report fails the run.
#   sanitizers  (the default on 7.3) kunit.py's own arm64 kernel under
#               qemu-system-aarch64, with lockdep, atomic-sleep, DMA-API,
#               list and scatterlist debugging, and KASAN and UBSAN on
#               the driver and its test
#   board       (the default on 6.12) the suite as a module of the e2e
#               board's kernel, loaded on the emulated board: no kernel
#               of its own to build, which keeps a cold `make check`
#               inside its time
source "$(dirname "$0")/lib.sh"

mode=${1:-$([ "$BASE" = 7.3 ] && echo sanitizers || echo board)}
log=$OUT/logs/kunit.log
mkdir -p "$OUT/logs"
case $mode in
sanitizers)
	# KASAN and UBSAN instrument our two objects only: the whole kernel
	# instrumented took 20 minutes to build cold on 2 cores, for checks of
	# code that is not ours. The allocator's KASAN hooks (redzones,
	# quarantine) are not instrumentation: what our code allocates is
	# still checked.
	SANITIZE_OURS=(KASAN_SANITIZE=n UBSAN_SANITIZE=n)
	for obj in sun50i-iommu.o sun50i-iommu-test.o; do
		SANITIZE_OURS+=("KASAN_SANITIZE_$obj=y" "UBSAN_SANITIZE_$obj=y")
	done
	dir=$BUILD/kunit
	mkdir -p "$dir"
	step "KUnit: building the arm64 test kernel and running the suite in QEMU"
	(cd "$TREE" && python3 tools/testing/kunit/kunit.py run --arch=arm64 \
		--cross_compile="$ARM64_CROSS" --build_dir="$dir" \
		--kunitconfig="$TOP/tooling/kunit/sun50i-iommu.kunitconfig" \
		--jobs="$JOBS" --make_options="CC=ccache ${ARM64_CROSS}gcc" \
		--make_options="${HOST_NEUTRAL[0]}" \
		--make_options="${HOST_NEUTRAL[1]}" \
		"${SANITIZE_OURS[@]/#/--make_options=}" \
		--qemu_args="-smp 2" --timeout=900 --raw_output=all) >"$log" 2>&1 ||
		true
	;;
board)
	step "KUnit: the suite as a module on the emulated board"
	if ! "$TOP/tooling/board.sh" build ours >"$OUT/logs/kunit-build.log" 2>&1 ||
		[ ! -f "$OUT/board/sun50i-iommu-test.ko" ]; then
		fail "kunit (no board with sun50i-iommu-test.ko, see $OUT/logs/kunit-build.log)"
		exit 0
	fi
	"$TOP/tooling/board.sh" boot ours kunit "$OUT/logs/kunit" 600 || true
	# The board's console has printk times and CRLF ends: drop both.
	sed 's/\r$//; s/^\[ *[0-9]*\.[0-9]*\] //' "$OUT/logs/kunit/console.log" >"$log" ||
		true
	;;
*)
	die "usage: kunit.sh [sanitizers|board]"
	;;
esac

# Per-case results of our suite, from its KTAP output; a case that ends
# in "# SKIP reason" is a SKIP, whatever its ok/not ok.
awk '/^ *# Subtest: sun50i-iommu$/ { on = 1; next }
     on && /^ *(not )?ok [0-9]+ sun50i-iommu$/ { exit }
     on && /^ +(not )?ok [0-9]+ .*# SKIP/ {
	sub(/^ +(not )?ok [0-9]+ /, ""); name = $1
	sub(/^[^#]*# SKIP */, ""); print "SKIP kunit." name " " $0; next }
     on && /^ +ok [0-9]+ /     { print "PASS kunit." $3 }
     on && /^ +not ok [0-9]+ / { print "FAIL kunit." $4 }' "$log" |
	while read -r res name reason; do
		case $res in
		PASS) pass "$name" ;;
		SKIP) skip "$name" "${reason:-no reason given}" ;;
		*) fail "$name" ;;
		esac
	done
grep -qE '^ *(not )?ok [0-9]+ sun50i-iommu$' "$log" ||
	fail "kunit (the suite did not complete, see $log)"

# Any report of a debugging facility fails the run.
reports='BUG:|WARNING:|UBSAN:|Oops|Kernel panic|Call trace:|DMA-API: .*(device driver|leak)|INFO: task'
id=kunit-sanitizers
[ "$mode" = sanitizers ] || id=kunit-kernel-reports
if grep -E "$reports" "$log"; then
	fail "$id (reports in $log)"
else
	pass "$id"
fi
