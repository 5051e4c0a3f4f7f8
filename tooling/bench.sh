#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# bench.sh quick|full: the driver's costs on the emulated board, counted
# (guest instructions with -icount on one CPU, IOMMU register accesses by
# the model), by e2e/module/bench.c.
#
#   quick  (make check) one size of each operation on our e2e kernel,
#          booted twice: the figures must all be there and the same
#          both times. Checks no threshold of the figures; then
#          bench-profile.sh quick checks that one profile adds up.
#   full   (make bench) every figure on our kernel and on mainline's,
#          both without debug options (board.sh build bench and
#          mainline-bench), in strict and lazy (iommu.strict=0)
#          invalidation, each booted twice and compared; dmatest
#          throughput of ours in the DMA (strict and lazy) and identity
#          domains, in guest time (-icount) and in host time; then
#          out/bench/results.csv, table.txt and the plots cost.png and
#          memory.png (tooling/bench-report.py, tooling/bench.gp).
source "$(dirname "$0")/lib.sh"

BOARD=$TOP/tooling/board.sh
# What the quick run must print: one size of each operation, the memory
# figures and the workload's trace.
QUICK_FIGURES="iommu_map:65536 iommu_unmap:65536 floor_map:65536
floor_unmap:65536 dma_map_single:4096 dma_unmap_single:4096
dma_map_sgtable:8388608 dma_unmap_sgtable:8388608 dma_alloc_attrs:8388608
dma_free_attrs:8388608 attach:0 detach:0 fault:64"
QUICK_MEM="attached peak after-unmap thrash-allocations thrash-loops"
TRACE_STEPS=64

# counted VARIANT SCRIPT DIR [APPEND]: one counted boot; its figures, with
# the kernel's prefixes taken off, in DIR/figures.txt.
counted() {
	local variant=$1 script=$2 dir=$3
	BOARD_ICOUNT=1 BOARD_APPEND=${4:-} \
		"$BOARD" boot "$variant" "$script" "$dir" 1200 || true
	tr -d '\r' <"$dir/console.log" |
		sed -n 's/^\(\[[ 0-9.]*\] \)\{0,1\}sun50i_iommu_e2e: \(bench\(-mem\|-trace\)\{0,1\}: .*\)/\2/p' \
			>"$dir/figures.txt"
	grep -q 'RESULT bench PASS' "$dir/console.log"
}

# twice VARIANT SCRIPT DIR [APPEND]: two counted boots into DIR/1, DIR/2;
# DIR/figures.txt if both passed and agree.
twice() {
	local dir=$3 ok=0
	rm -rf "$dir"
	step "bench: $1 $2${4:+ ($4)}, first boot"
	counted "$1" "$2" "$dir/1" "${4:-}" || ok=1
	step "bench: $1 $2${4:+ ($4)}, second boot"
	counted "$1" "$2" "$dir/2" "${4:-}" || ok=1
	[ "$ok" = 0 ] || { echo "bench: a boot failed, see $dir/*/console.log"; return 1; }
	if ! diff -u "$dir/1/figures.txt" "$dir/2/figures.txt" >"$dir/diff"; then
		echo "bench: two boots counted differently:"
		head -20 "$dir/diff"
		return 2
	fi
	cp "$dir/1/figures.txt" "$dir/figures.txt"
}

# complete FIGURES: every quick figure, memory figure and trace step.
complete() {
	local f=$1 want missing=0
	for want in $QUICK_FIGURES; do
		grep -qE "^bench: ${want%%:*} ${want#*:} insn [0-9]+ mmio [0-9]+$" "$f" ||
			{ echo "missing: ${want%%:*} of ${want#*:} bytes"; missing=1; }
	done
	for want in $QUICK_MEM; do
		grep -qE "^bench-mem: $want [0-9]+$" "$f" ||
			{ echo "missing: memory figure $want"; missing=1; }
	done
	[ "$(grep -cE '^bench-trace: [0-9]+ [0-9]+$' "$f")" = "$TRACE_STEPS" ] ||
		{ echo "missing: trace steps"; missing=1; }
	return "$missing"
}

quick() {
	local dir=$OUT/logs/bench-quick rc=0
	step "bench (quick): building the board"
	"$BOARD" build ours >"$OUT/logs/bench-quick-build.log" 2>&1 ||
		{ fail "bench-quick (build, see $OUT/logs/bench-quick-build.log)"; return; }
	twice ours bench-quick "$dir" >"$OUT/logs/bench-quick.log" 2>&1 || rc=$?
	if [ "$rc" = 1 ]; then
		fail "bench-quick-runs (see $OUT/logs/bench-quick.log)"
		return
	fi
	pass "bench-quick-runs"
	if [ "$rc" = 2 ]; then
		fail "bench-quick-deterministic (see $dir/diff)"
	else
		pass "bench-quick-deterministic"
	fi
	if complete "$dir/1/figures.txt" >>"$OUT/logs/bench-quick.log"; then
		pass "bench-quick-complete"
	else
		fail "bench-quick-complete (see $OUT/logs/bench-quick.log)"
	fi
	"$TOP/tooling/bench-profile.sh" quick
}

# dmatest KB/s of one boot of our kernel: the sum over its threads. CLOCK
# "real" times it in host time, where the emulated PL330's every access
# through the IOMMU model costs host time that silicon spends in hardware;
# "guest" counts time in guest instructions (-icount), where the DMA itself
# is instantaneous and what remains is the CPU's work per transfer, the
# driver's among it.
dmatest() {
	local dom=$1 clock=$2 dir=$3
	step "bench: dmatest on our kernel, $dom domain, $clock time"
	rm -rf "$dir"
	local append=iommu.passthrough=1 type=identity
	case $dom in
	dma) append= type=DMA ;;
	lazy) append=iommu.strict=0 type=DMA-FQ ;;
	esac
	BOARD_ICOUNT=$([ "$clock" = real ] && echo 0 || echo 1) \
	BOARD_APPEND=$append \
		"$BOARD" boot bench bench-dmatest "$dir" 600 ||
		die "dmatest boot failed: $dir/console.log"
	grep -q "^$type\$" \
		<(tr -d '\r' <"$dir/console.log" | sed -n 's/^.*e2e: \/sys\/kernel\/iommu_groups\/[0-9]*\/type: //p') ||
		die "$dir: the group is not in the $dom domain"
	tr -d '\r' <"$dir/console.log" |
		sed -n 's/.*summary .* \([0-9.]*\) KB\/s.*/\1/p' |
		awk '{ s += $1; n++ } END { if (n != 8) exit 1; print s }' \
			>"$dir/kbps" || die "$dir: not 8 dmatest summaries"
}

full() {
	local out=$OUT/bench v m
	mkdir -p "$out/runs"
	"$BOARD" build bench
	"$BOARD" build mainline-bench
	for v in ours mainline; do
		for m in strict lazy; do
			twice "$([ $v = ours ] && echo bench || echo mainline-bench)" \
				bench-full "$out/runs/$v-$m" \
				"$([ $m = lazy ] && echo iommu.strict=0 || echo iommu.strict=1)" ||
				die "bench: $v $m did not give two equal runs"
		done
	done
	# Ours only: mainline's identity domain loses DMA (e2e
	# identity-domain), so it has no baseline to compare with.
	for m in dma lazy identity; do
		for clock in guest real; do
			dmatest "$m" "$clock" "$out/runs/dmatest-$m-$clock"
		done
	done
	step "bench: report and plots"
	python3 "$TOP/tooling/bench-report.py" "$out"
	(cd "$out" && gnuplot "$TOP/tooling/bench.gp")
	echo "bench: $out/results.csv, $out/table.txt, $out/cost.png, $out/memory.png"
}

case ${1:-full} in
quick) quick ;;
full) full ;;
*) die "usage: bench.sh quick|full" ;;
esac
