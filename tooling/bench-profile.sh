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
#       ours and mainline (the kernels make bench measures), map and unmap
#       of 4 KiB and 64 KiB, into out/bench/profile/
#   bench-profile.sh quick  (make check, after bench.sh quick)
#       one unmap of 64 KiB on our board kernel; checks that the profile
#       adds up to the figure bench.sh quick counted for it
source "$(dirname "$0")/lib.sh"

BOARD=$TOP/tooling/board.sh
# e2e/module/bench.c maps and unmaps its runs at BENCH_IOVA; it repeats
# each call BENCH_REPS times and keeps the cheapest, the last: the profile
# skips the calls before it.
bench_define() {
	sed -n "s/^#define $1[[:space:]]*\([0-9a-fx]*\).*/\1/p" "$TOP/e2e/module/bench.c"
}
BENCH_IOVA=$(bench_define BENCH_IOVA)
BENCH_SKIP=$(($(bench_define BENCH_REPS) - 1))
# The instructions the bench counts around the call itself (setting up
# its arguments, the call, reading the counter): 6 to 8 on arm64, what a
# profile must fall short of its figure by, give or take.
BENCH_AROUND=10

one() {
	local variant=$1 func=$2 size=$3 outfile=$4 script=${5:-bench-full}
	local port cond log=${outfile%.txt}.log rc=0
	case $func in
	iommu_map) cond="\$x1 == $BENCH_IOVA && \$x3 == $size" ;;
	iommu_unmap) cond="\$x1 == $BENCH_IOVA && \$x2 == $size" ;;
	*) die "FUNC must be iommu_map or iommu_unmap, not '$func'" ;;
	esac
	port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	mkdir -p "$(dirname "$outfile")"
	rm -f "$outfile"
	step "profile: $variant $func of $size bytes"
	# In a process group of its own: QEMU goes with it on every path.
	BOARD_GDB=$port BOARD_ICOUNT=1 \
		setsid "$BOARD" boot "$variant" "$script" "${outfile%.txt}-board" 600 &
	local board=$!
	PROF_PORT=$port PROF_SKIP=$BENCH_SKIP PROF_FUNC=$func PROF_COND=$cond PROF_OUT=$outfile \
		gdb-multiarch -q -batch -x "$TOP/tooling/bench-profile.py" \
		"$("$BOARD" vmlinux "$variant")" >"$log" 2>&1 || rc=$?
	# gdb detaches at the end: the board is still running its script.
	kill -- -"$board" 2>/dev/null || true
	wait "$board" 2>/dev/null || true
	[ "$rc" = 0 ] && [ -s "$outfile" ] ||
		{ tail -n 5 "$log" >&2; echo "profile failed, see $log" >&2; return 1; }
	head -n 1 "$outfile"
}

full() {
	local dir=$OUT/bench/profile v f s
	for v in bench mainline-bench; do
		"$BOARD" build "$v"
		for f in iommu_map iommu_unmap; do
			for s in 4096 65536; do
				one "$v" "$f" "$s" "$dir/$([ "$v" = bench ] && echo ours || echo mainline)-$f-$s.txt"
			done
		done
	done
	echo "profiles: $dir/*.txt"
}

quick() {
	local dir=$OUT/logs/bench-quick file profile counted
	file=$dir/profile-iommu_unmap-65536.txt
	if ! one ours iommu_unmap 65536 "$file" bench-quick \
		>>"$OUT/logs/bench-quick.log" 2>&1; then
		fail "bench-quick-profile (see $OUT/logs/bench-quick.log)"
		return
	fi
	counted=$(sed -n 's/^bench: iommu_unmap 65536 insn \([0-9]*\) .*/\1/p' \
		"$dir/1/figures.txt")
	profile=$(sed -n 's/^total //p' "$file")
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
