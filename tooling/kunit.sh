#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Run the driver's KUnit suite on arm64 under qemu-system-aarch64, in a
# kernel with KASAN, UBSAN, lockdep, atomic-sleep, DMA-API, list and
# scatterlist debugging.
# Records one result per test case, and fails on any sanitizer report.
source "$(dirname "$0")/lib.sh"

dir=$BUILD/kunit
log=$OUT/logs/kunit.log
mkdir -p "$OUT/logs" "$dir"
step "KUnit: building the arm64 test kernel and running the suite in QEMU"
(cd "$TREE" && python3 tools/testing/kunit/kunit.py run --arch=arm64 \
	--cross_compile="$ARM64_CROSS" --build_dir="$dir" \
	--kunitconfig="$TOP/tooling/kunit/sun50i-iommu.kunitconfig" \
	--jobs="$JOBS" --make_options="CC=ccache ${ARM64_CROSS}gcc" \
	--make_options="${HOST_NEUTRAL[0]}" --make_options="${HOST_NEUTRAL[1]}" \
	--qemu_args="-smp 2" --timeout=900 --raw_output=all) >"$log" 2>&1 ||
	true

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
if grep -E "$reports" "$log"; then
	fail "kunit-sanitizers (reports in $log)"
else
	pass "kunit-sanitizers"
fi
