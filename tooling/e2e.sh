#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# e2e.sh [ours|mainline]: the end-to-end suite on the emulated board. Each
# case boots the board once (tooling/board.sh) and runs one guest script
# (e2e/guest/*.e2e): dmatest where the kernel has a tool, our test module
# (e2e/module) where it has none. Records one PASS/FAIL line per case,
# "<prefix>.<case>", plus "<prefix>.audit-errors" for the IOMMU model's
# audit over all boots; prefix is e2e, or e2e-mainline for the kernel built
# from the tree's `base` tag (mainline's driver and DT nodes). Logs go to
# out/logs/<prefix>/<case>/{console,qemu}.log. Exits 1 on any failure.
#
# Mainline runs the same cases; the checks its driver cannot pass (missing
# features, and mainline bugs this suite finds) are listed below with the
# reason and reported as SKIP lines (stdout and summary.txt), not FAIL.
source "$(dirname "$0")/lib.sh"

variant=${1:-ours}
case $variant in
ours) prefix=e2e ;;
mainline) prefix=e2e-mainline ;;
*) die "usage: e2e.sh [ours|mainline]" ;;
esac
logs=$OUT/logs/$prefix
AUDIT='sun50i-iommu: audit:'
REPORTS='BUG:|WARNING:|Oops|Kernel panic|Call trace:|Unable to handle|Internal error:|INFO: task'

# case  guest script  timeout (s)  kernel  what it shows; kernel "-" is the
# variant's, "nopm" ours built without CONFIG_PM (board.sh build nopm)
CASES=(
	"dma-domain-dmatest  dmatest     300 -    dmatest through the DMA domain, PL330 #0"
	"unmanaged-unmap-fault unmanaged 180 -    unmanaged domain: map, DMA, unmap, DMA faults to our handler"
	"readonly-write-fault readonly   180 -    read-only mapping: a DMA write faults, memory unchanged"
	"remap               remap       180 -    remapped IOVA: the next DMA lands in the new page"
	"identity-domain     identity    180 -    identity domain via sysfs: DMA untranslated"
	"blocked-domain      blocked     180 -    blocked domain: every DMA faults"
	"concurrent-masters  concurrent  300 -    both PL330s at once through the shared domain"
	"fault-storm         storm       300 -    thousands of faulting DMAs, responsive, rate-limited log"
	"runtime-pm          pm          180 -    IOMMU off while the masters idle, on for their DMA; power/control"
	"system-sleep        sleep       300 -    20 suspend/resume cycles with DMA after each, kmemleak"
	"pm-disabled         nopm        300 nopm a CONFIG_PM=n kernel: IOMMU on from probe, DMA correct"
)

# Mainline (6.12's drivers/iommu/sun50i-iommu.c and DT) cannot pass these
# checks, as "case:check-id reason" ("case:*" for the whole case). Its
# domain switch is per device: the old domain is only dropped when its last
# device leaves, which never happens in a group of two PL330s.
RO_BUG="mainline bug: it writes DM_AUT_CTRL1 twice (read-only domain, then write-only domain), the second write clears the write-forbid bits of the first: read-only pages are writable"
DEV_BUG="mainline reports faults against the IOMMU's own device (report_iommu_fault(domain, iommu->dev, ...)), not the master's"
MAINLINE_CANNOT=(
	"unmanaged-unmap-fault:fault-dev $DEV_BUG"
	"readonly-write-fault:fault-dev $DEV_BUG"
	"readonly-write-fault:fault-reported $RO_BUG"
	"readonly-write-fault:fault-iova $RO_BUG"
	"readonly-write-fault:fault-dir $RO_BUG"
	"readonly-write-fault:ro-unchanged $RO_BUG"
	"identity-domain:* mainline bug: its identity attach only turns translation off when the old domain's last device leaves; with two PL330s in the group it never does, so the IOMMU keeps walking the freed DMA domain (DMA faults), and switching back oopses in sun50i_iommu_identity_attach(); mainline's identity is 'IOMMU off' and has no blocked domain (the core's empty paging domain stands in, which passes blocked-domain)"
	"fault-storm:log-ratelimited mainline logs every fault with dev_err(), not rate-limited"
	"audit-errors:ttb mainline bug: switching domains never disables translation in a two-device group (see above), so it rewrites the TTB while translating"
	"runtime-pm:* mainline has no runtime PM: its IOMMU is powered from the first attach until unbind"
	"system-sleep:sleep-power-off mainline has no system sleep callbacks: its IOMMU stays powered through suspend"
	"system-sleep:kmemleak mainline allocates its Page Tables from a kmem_cache and keeps only their physical address (in the DTE), so kmemleak reports live Page Tables as leaks (sun50i_iommu_map in the backtrace)"
)
# Not run on mainline: the CONFIG_PM=n kernel is built from our tree only.
MAINLINE_NOT_BUILT="nopm"

mkdir -p "$logs"
rm -rf "${logs:?}"/*
summary=$logs/summary.txt
: >"$summary"
failed=0

note() { echo "$*" | tee -a "$summary"; }
# info: a note from inside a check, whose stdout is its list of problems.
info() { echo "$*" >>"$summary"; echo "$*" >&2; }

"$TOP/tooling/board.sh" build "$variant"
[ "$variant" = mainline ] || "$TOP/tooling/board.sh" build nopm

# mainline_reason CASE CHECK: the reason mainline cannot pass it, if listed.
mainline_reason() {
	local entry
	[ "$variant" = mainline ] || return 1
	for entry in "${MAINLINE_CANNOT[@]}"; do
		if [ "${entry%% *}" = "$1:$2" ]; then
			echo "${entry#* }"
			return 0
		fi
	done
	return 1
}

# Seconds of a printk line "[   12.345678] ...".
stamp() { sed -n 's/^\[ *\([0-9]*\.[0-9]*\)\].*/\1/p' | head -n1; }

# check_dmatest LOG MIN_TESTS: the dmatest summaries, echo problems.
check_dmatest() {
	local log=$1 min=$2 tests failures n
	n=$(grep -c 'dmatest: .*summary [0-9]* tests' "$log" || true)
	tests=$(sed -n 's/.*summary \([0-9]*\) tests, \([0-9]*\) failures.*/\1/p' "$log" |
		awk '{ s += $1 } END { print s + 0 }')
	failures=$(sed -n 's/.*summary \([0-9]*\) tests, \([0-9]*\) failures.*/\2/p' "$log" |
		awk '{ s += $1 } END { print s + 0 }')
	info "    dmatest: $n threads, $tests transfers, $failures failures"
	[ "$n" -gt 0 ] || echo "no dmatest summary"
	[ "$tests" -ge "$min" ] || echo "only $tests dmatest transfers (want >= $min)"
	[ "$failures" -eq 0 ] || echo "$failures dmatest failures"
}

# Case-specific checks on the console and QEMU logs; echo problems.
check_dma-domain-dmatest() { check_dmatest "$1" 2000; }

check_concurrent-masters() {
	local log=$1 dev first_end last_start
	check_dmatest "$log" 1600
	# Both controllers' threads ran at the same time.
	for dev in dma0 dma1; do
		grep -q "dmatest: $dev"'chan[0-9]*-copy[0-9]*: summary [1-9]' "$log" ||
			echo "no dmatest transfers on $dev"
	done
	last_start=$(grep 'dmatest: Started' "$log" | tail -n1 | stamp)
	first_end=$(grep 'dmatest: .*summary' "$log" | stamp)
	if [ -n "$last_start" ] && [ -n "$first_end" ]; then
		info "    every thread started by ${last_start}s, the first finished at ${first_end}s"
		awk -v s="$last_start" -v e="$first_end" 'BEGIN { exit !(s < e) }' ||
			echo "the dmatest threads did not overlap"
	fi
}

check_blocked-domain() {
	local qlog=$2 m
	for m in 1 4; do
		grep -q "fault: .* master=$m " "$qlog" ||
			echo "the model saw no fault from master $m in the blocked domain"
	done
}

check_fault-storm() {
	local log=$1 qlog=$2 ms lines faults bound
	ms=$(sed -n 's/.*storm: storm-duration-ms \([0-9]*\).*/\1/p' "$log")
	[ -n "$ms" ] || { echo "the storm did not finish"; return; }
	# The driver's lines during the storm: a rate limit allows a burst of
	# 10 per 5 s interval, plus one "callbacks suppressed" line each.
	lines=$(sed -n '/storm: begin/,/storm: end/p' "$log" |
		grep -c '30f0000\.iommu' || true)
	faults=$(grep -c 'sun50i-iommu: fault:' "$qlog" || true)
	bound=$(((ms / 5000 + 2) * 11))
	info "    storm: ${ms} ms, $faults faults in the model, $lines driver log lines (limit $bound)"
	[ "$faults" -ge 1000 ] || echo "only $faults faults reached the IOMMU (want >= 1000)"
	if [ "$lines" -gt "$bound" ]; then
		echo "not ok log-ratelimited - $lines driver log lines in ${ms} ms (limit $bound)"
	fi
}

# The model's power trace: "allwinner_h6_iommu_power bus clock X, reset Y".
power_offs() { grep -c 'iommu_power bus clock gated, reset asserted' "$1" || true; }
power_ons() { grep -c 'iommu_power bus clock running, reset released' "$1" || true; }

check_runtime-pm() {
	local log=$1 qlog=$2 states offs ons
	states=$(tr -d '\r' <"$log" |
		sed -n 's|.*/30f0000.iommu/power/runtime_status: ||p' |
		paste -sd' ' -)
	offs=$(power_offs "$qlog")
	ons=$(power_ons "$qlog")
	info "    runtime_status read: $states; the model saw $ons power-ons, $offs power-offs"
	[ "$states" = "suspended active suspended" ] ||
		echo "runtime_status went '$states' (want: suspended active suspended)"
	# Idle after unbind, two copies, control=auto: 4 times off at least.
	[ "$offs" -ge 4 ] || echo "the IOMMU was powered off $offs times (want >= 4)"
}

check_system-sleep() {
	local log=$1 qlog=$2 cycles offs leaks
	cycles=$(grep -c 'sleep-cycles: ok suspend - cycle' "$log" || true)
	offs=$(power_offs "$qlog")
	leaks=$(grep -c 'unreferenced object' "$log" || true)
	info "    $cycles suspend/resume cycles, $offs IOMMU power-offs in the model, $leaks kmemleak reports"
	[ "$cycles" -eq 20 ] || echo "$cycles of 20 suspend/resume cycles passed"
	[ "$offs" -ge 20 ] ||
		echo "not ok sleep-power-off - the IOMMU was powered off $offs times in 20 cycles"
	grep -q 'kmemleak: Kernel memory leak detector initialized' "$log" ||
		echo "kmemleak was not running"
	[ "$leaks" -eq 0 ] || echo "not ok kmemleak - $leaks unreferenced objects"
}

check_pm-disabled() {
	local log=$1 qlog=$2 after
	check_dmatest "$log" 800
	# Powered at probe; never off again.
	after=$(sed -n '/bus clock running, reset released/,$p' "$qlog" |
		grep -c 'bus clock gated' || true)
	grep -q 'bus clock running' "$qlog" || echo "the IOMMU was never powered"
	[ "$after" -eq 0 ] || echo "the IOMMU was powered off $after times without CONFIG_PM"
	! grep -q '^CONFIG_PM=y' "$BUILD/arm64-nopm/.config" ||
		echo "the nopm kernel has CONFIG_PM"
}

# run_case NAME SCRIPT TIMEOUT KERNEL: boot, evaluate, record.
run_case() {
	local name=$1 script=$2 timeout=$3 kernel=$4 dir=$logs/$1 rc=0 t0 secs
	local log qlog problems skips=() line id reason
	log=$dir/console.log
	qlog=$dir/qemu.log
	[ "$kernel" != - ] || kernel=$variant
	if [ "$variant" = mainline ] && [ "$kernel" = "$MAINLINE_NOT_BUILT" ]; then
		note "SKIP $prefix.$name: not run, its kernel ($kernel) is only built from our tree"
		return
	fi
	step "$prefix: $name ($kernel kernel, e2e/guest/$script.e2e)"
	t0=$(date +%s)
	"$TOP/tooling/board.sh" boot "$kernel" "$script" "$dir" "$timeout" || rc=$?
	secs=$(($(date +%s) - t0))
	note "  $name: ${secs} s"

	problems=$(
		[ "$rc" -eq 0 ] || echo "QEMU ended with $rc$([ "$rc" -eq 124 ] && echo " (timeout ${timeout} s)")"
		grep -q 'e2e: done' "$log" || echo "the guest script did not complete"
		grep -E "$REPORTS" "$log" | head -n3 | sed 's/^/kernel: /'
		grep 'e2e: error:' "$log" | sed 's/.*e2e: error: /guest: /'
		# Every module case ran to its RESULT line; failed checks are
		# "<case>: not ok <check-id> - <what>".
		grep 'e2e: case ' "$log" | sed -n 's/.*e2e: case \([^:]*\):.*/\1/p' |
			while read -r c; do
				grep -q "RESULT ${c%%:*} " "$log" ||
					echo "module: case $c did not finish"
			done
		grep -o 'sun50i_iommu_e2e: [a-z0-9-]*: not ok .*' "$log" |
			sed 's/^sun50i_iommu_e2e: [^ ]* //'
		if type "check_$name" >/dev/null 2>&1; then
			"check_$name" "$log" "$qlog"
		fi
	)
	# Mainline: the checks it cannot pass are SKIPs, not failures.
	if [ "$variant" = mainline ] && [ -n "$problems" ]; then
		local kept=
		if reason=$(mainline_reason "$name" '*'); then
			note "SKIP $prefix.$name: $reason (seen: $(head -n1 <<<"$problems"))"
			return
		fi
		while IFS= read -r line; do
			[ -n "$line" ] || continue
			id=$(sed -n 's/^not ok \([a-z0-9-]*\) .*/\1/p' <<<"$line")
			if [ -n "$id" ] && reason=$(mainline_reason "$name" "$id"); then
				skips+=("$id: $reason")
			else
				kept+="$line"$'\n'
			fi
		done <<<"$problems"
		problems=${kept%$'\n'}
	fi
	if [ ${#skips[@]} -gt 0 ]; then
		printf '%s\n' "${skips[@]}" | sort -u | while IFS= read -r line; do
			note "SKIP $prefix.$name.$line"
		done
	fi
	if [ -z "$problems" ]; then
		pass "$prefix.$name$([ ${#skips[@]} -eq 0 ] ||
			echo " (skipped: $(printf '%s\n' "${skips[@]%%:*}" | sort -u | paste -sd, -))")"
	else
		fail "$prefix.$name (see $log)"
		sed 's/^/    /' <<<"$problems" | head -n 15
		failed=1
	fi
}

t_all=$(date +%s)
for entry in "${CASES[@]}"; do
	read -r name script timeout kernel _ <<<"$entry"
	run_case "$name" "$script" "$timeout" "$kernel"
done

# The model's audit: stale TLB entries, TTB writes while translating, ...
grep -h "$AUDIT" "$logs"/*/qemu.log >"$logs/audit.txt" || true
if [ "$variant" = mainline ] && reason=$(mainline_reason audit-errors ttb) &&
	grep -q 'TTB written' "$logs/audit.txt"; then
	note "SKIP $prefix.audit-errors.ttb: $reason ($(grep -c 'TTB written' "$logs/audit.txt") lines)"
	sed -i '/TTB written/d' "$logs/audit.txt"
fi
audits=$(wc -l <"$logs/audit.txt")
if [ "$audits" -eq 0 ]; then
	pass "$prefix.audit-errors (0 audit errors in $(ls "$logs"/*/qemu.log | wc -l) boots)"
else
	fail "$prefix.audit-errors ($audits audit errors, see $logs/audit.txt)"
	sed 's/0x[0-9a-f]*/0x.../g' "$logs/audit.txt" | sort | uniq -c |
		sort -rn | head -n 5 | sed 's/^/    /'
	failed=1
fi
note "  total: $(($(date +%s) - t_all)) s"
exit "$failed"
