#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Where a counted figure's instructions go: boot the board stopped, let gdb
# step the bench's last iommu_map() or iommu_unmap() of a size through,
# and count the instructions of every function it ran
# (tooling/bench-profile.py).
#
#   bench-profile.sh one VARIANT FUNC SIZE OUTFILE [SCRIPT]
#       FUNC iommu_map or iommu_unmap, of SIZE bytes at the bench's IOVA;
#       SCRIPT the guest script that calls it (default bench-full)
#   bench-profile.sh full   (make bench-profile)
#       ours and mainline, map and unmap of 4 KiB and 64 KiB, into
#       out/bench/profile/; after make bench, which builds the kernels
#   bench-profile.sh quick  (make check, after bench.sh quick)
#       one unmap of 64 KiB on our board kernel; checks that the profile
#       adds up to the figure bench.sh quick counted for it
source "$(dirname "$0")/lib.sh"

BOARD=$TOP/tooling/board.sh
# e2e/module/bench.c maps and unmaps its runs at BENCH_IOVA.
BENCH_IOVA=0x40100000
# The instructions the bench counts around the call itself (setting up
# its arguments, the call, reading the counter): 6 to 8 on arm64, what a
# profile must fall short of its figure by, give or take.
BENCH_AROUND=10
# It repeats each call (BENCH_REPS) and keeps the cheapest: the last.
BENCH_SKIP=2

one() {
	local variant=$1 func=$2 size=$3 outfile=$4 script=${5:-bench-full}
	local port cond log=${4%.txt}.log rc=0
	case $func in
	iommu_map) cond="\$x1 == $BENCH_IOVA && \$x3 == $size" ;;
	iommu_unmap) cond="\$x1 == $BENCH_IOVA && \$x2 == $size" ;;
	*) die "FUNC must be iommu_map or iommu_unmap, not '$func'" ;;
	esac
	port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	mkdir -p "$(dirname "$outfile")"
	rm -f "$outfile"
	step "profile: $variant $func of $size bytes"
	BOARD_GDB=$port BOARD_ICOUNT=1 \
		"$BOARD" boot "$variant" "$script" "${outfile%.txt}-board" 600 &
	local board=$!
	PROF_PORT=$port PROF_SKIP=$BENCH_SKIP PROF_FUNC=$func PROF_COND=$cond PROF_OUT=$outfile \
		timeout 900 gdb-multiarch -q -batch \
		-x "$TOP/tooling/bench-profile.py" \
		"$("$BOARD" vmlinux "$variant")" >"$log" 2>&1 || rc=$?
	kill "$board" 2>/dev/null || true
	wait "$board" 2>/dev/null || true
	[ "$rc" = 0 ] && [ -s "$outfile" ] ||
		{ tail -n 5 "$log" >&2; echo "profile failed, see $log" >&2; return 1; }
	head -n 1 "$outfile"
}

full() {
	local dir=$OUT/bench/profile v f s
	for v in bench mainline-bench; do
		for f in iommu_map iommu_unmap; do
			for s in 4096 65536; do
				one "$v" "$f" "$s" "$dir/${v%-bench}-$f-$s.txt"
			done
		done
	done
	echo "profiles: $dir/*.txt"
}

quick() {
	local dir=$OUT/logs/bench-quick profile counted
	profile=$dir/profile-iommu_unmap-65536.txt
	if ! one ours iommu_unmap 65536 "$profile" bench-quick \
		>>"$OUT/logs/bench-quick.log" 2>&1; then
		fail "bench-quick-profile (see $OUT/logs/bench-quick.log)"
		return
	fi
	counted=$(sed -n 's/^bench: iommu_unmap 65536 insn \([0-9]*\) .*/\1/p' \
		"$dir/1/figures.txt")
	profile=$(sed -n 's/^total //p' "$profile")
	if [ -n "$counted" ] && [ "$profile" -lt "$counted" ] &&
		[ $((counted - profile)) -le "$BENCH_AROUND" ]; then
		pass "bench-quick-profile ($profile of $counted counted instructions)"
	else
		fail "bench-quick-profile (profile ${profile:-?} vs counted ${counted:-?})"
	fi
}

case ${1:-full} in
one) shift; [ $# -ge 4 ] || die "usage: bench-profile.sh one VARIANT FUNC SIZE OUTFILE [SCRIPT]"; one "$@" ;;
full) full ;;
quick) quick ;;
*) die "usage: bench-profile.sh one|full|quick" ;;
esac
