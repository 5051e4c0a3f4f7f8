#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# e2e.sh [ours|mainline] [CASE...]: the end-to-end suite on the emulated
# board, or only the named cases (e.g. to repeat one). Each
# case boots the board once (tooling/board.sh) and runs one guest script
# (e2e/guest/*.e2e): dmatest where the kernel has a tool, our test module
# (e2e/module) where it has none. Records one result per case and
# setting, "<prefix>.<case>[<setting>]", plus "<prefix>.audit-errors" for
# the IOMMU model's audit over all boots; prefix is e2e, or e2e-mainline
# for the kernel built from the tree's `base` tag (mainline's driver and
# DT nodes). Logs go to out/logs/<prefix>/<case>[<setting>]/{console,qemu,
# checks}.log. Exits 1 on any failure.
#
# Settings: the hardware reference leaves behaviours open (its section
# 10); the model makes each a property, and the driver must be right under
# every value. Our driver runs every case on the H6 and on the H616 model
# with the defaults (no suffix, and [h616]), and with everything
# pessimistic at once ([pessimistic], [h616,pessimistic]); then the short
# cases once per other value, one property changed at a time from the
# default. E2E_RUNS=REGEX runs only the runs whose "SOC,SETTING" matches
# (the default setting is named "default"), e.g. E2E_RUNS='^h6,default$'.
# Mainline runs the H6 defaults.
#
# A case is a list of checks, "ok ID - what" or "not ok ID - what": the
# boot's own (boot, guest-done, kernel, guest-errors, module-finished:
# never expected to fail), the model's audit of that boot (audit-ttb for
# TTB writes while masters translate, audit-untranslated for master DMA
# that bypassed translation, which every case but identity-domain forbids,
# and audit for the rest), the module's checks, and the case's host-side
# checks below. checks.log lists them all.
#
# Mainline runs the same cases. The checks its driver cannot pass are
# listed below per check ID with the reason; each is a SKIP line, and a
# listed check that passes is a FAIL (stale expectation). A case whose own
# checks were all skipped is a SKIP, not a PASS.
source "$(dirname "$0")/lib.sh"

variant=${1:-ours}
case $variant in
ours) prefix=e2e ;;
mainline) prefix=e2e-mainline ;;
mainline-fixed) prefix=e2e-mainline-fixed ;;
*) die "usage: e2e.sh [ours|mainline|mainline-fixed] [CASE...]" ;;
esac
shift $(($# > 0))
only=" $* "
logs=$OUT/logs/$prefix
AUDIT='sun50i-iommu: audit:'
FAULT='sun50i-iommu: fault:'
REPORTS='BUG:|WARNING:|Oops|Kernel panic|Call trace:|Unable to handle|Internal error:|INFO: task'
# Checks of the boot itself: a failure is never an expected one.
BOOT_CHECKS=" boot guest-done kernel guest-errors module-finished "

# case  guest script  timeout (s)  kernel  runs  what it shows; kernel "-"
# is the variant's, "nopm" the variant's tree built without CONFIG_PM; runs
# "all" under every setting, "full" only in the full runs (long cases), and
# "default" only with the defaults (nothing in them depends on a setting).
CASES=(
	"dma-domain-dmatest  dmatest     300 -    full    dmatest through the DMA domain, PL330 #0"
	"lazy-dmatest        lazy        300 -    full    dmatest through the DMA domain with deferred flush (iommu.strict=0)"
	"unmanaged-unmap-fault unmanaged 180 -    all     unmanaged domain: map, DMA, unmap, DMA faults to our handler"
	"readonly-write-fault readonly   180 -    all     read-only mapping: a DMA write faults, memory unchanged"
	"remap               remap       180 -    all     remapped IOVA: the next DMA lands in the new page"
	"identity-domain     identity    180 -    all     identity domain via sysfs: DMA untranslated"
	"blocked-domain      blocked     180 -    all     blocked domain: every DMA faults"
	"prefetch-on-map     prefetch-map 180 -   all     invalid neighbours cached by a walk: usable once mapped"
	"prefetch-on-unmap   prefetch-unmap 180 - all     a neighbour cached by a walk: gone once unmapped, also across a table retire"
	"permission-matrix   permissions 180 -    all     RW/RO/WO/no-access pages read and written: allowed or refused, with direction"
	"domain-switch-dma   switch      180 -    all     DMA while the group goes DMA, blocked, unmanaged, blocked, DMA, suspend: no untranslated byte"
	"several-faults      multi-fault 180 -    all     L1, L2 and permission faults of three masters in one interrupt while a fourth copies"
	"concurrent-masters  concurrent  300 -    full    both PL330s at once through the shared domain"
	"fault-storm         storm       300 -    full    thousands of faulting DMAs, responsive, rate-limited log"
	"debug-port-storm    debug-storm 300 -    full    100000 faults of no master: still serviced, IRQ not disabled"
	"runtime-pm          pm          180 -    all     IOMMU off while the masters idle, on for their DMA; power/control"
	"system-sleep        sleep       300 -    full    20 suspend/resume cycles with DMA after each, kmemleak"
	"pm-disabled         nopm        300 nopm full    a CONFIG_PM=n kernel: IOMMU on from probe, DMA correct"
	"no-unbind           unbind      60  -    default the IOMMU driver cannot be unbound through sysfs"
	"display             display     300 -    full    the H6 display path: drm-flip's page flips scanned out by mixer 0 through the IOMMU"
	"display-sleep       display-sleep 300 -  full    system sleep while scanning out: the IOMMU powers off after the scan-out stopped, frames right after"
	"display-late-iommu  display-late 300 -   full    the DRM device's DMA device: the mixer's IOMMU, the PL330s' group and DMA domain; frames through it"
	"display-fault       display-fault 300 -  full    the IOMMU blocks the mixer for a second while scanning out: faults against the mixer, rate-limited; frames right after"
)
# Cases whose DMA is untranslated on purpose: no audit of it.
UNTRANSLATED_CASES=" identity-domain "
# Cases booted with more on the kernel command line: "case|arguments".
APPEND_CASES=" lazy-dmatest|iommu.strict=0 "
# Cases on the board with four PL330s (masters 1/3, 4, 2 and 5).
FOUR_DMA_CASES=" several-faults "
# Cases on the H6 display path (QEMU's display=on, board-h6-display.dtb):
# the H6's DE3 only, not the H616's.
DISPLAY_CASES=" display display-sleep display-late-iommu display-fault "
# Arguments of tooling/e2e-display.py for the display cases: "case|argument".
DISPLAY_ARGS=" display-fault|--fault-window "

# Settings: "name|properties" of the IOMMU model (-global
# allwinner-h6-iommu.PROPERTY=VALUE), each a value the hardware reference
# allows for an open question (section: 10, or 5.3/5.4/6.2) other than the
# model's default.
SETTINGS=(
	"ivld-mask=silicon-only|ivld-mask=silicon-only"         # 5.3: only page and 1 MiB masks work
	"prefetch-distance=8|prefetch-distance=8"               # 5.4: up to 8 PTEs fetched ahead
	"prefetch-holder=on|prefetch-holder=on"                 # 5.4: a neighbour lives in its fetcher's line
	"neighbour-prefetch=off|neighbour-prefetch=off"         # 10.6
	"cache-invalid-entries=off|cache-invalid-entries=off"   # 10.6
	"disabled-passthrough=off|disabled-passthrough=off"     # 10.14: ENABLE = 0 blocks
	"gated-passthrough=off|gated-passthrough=off"           # 10.14: gated or in reset blocks
	"err-data-pte=off|err-data-pte=off"                     # 6.2: INT_ERR_DATA reads 0
	"lane-reset-flush=off|lane-reset-flush=off"             # 6.3: a lane reset keeps the micro TLB
	"lane-reset-clears-fault=on|lane-reset-clears-fault=on" # 6.3: ... and clears the lane's fault
	"lane-lock=off|lane-lock=off"                           # 6.3: a fault does not stall the lane
	"fault-policy=discard|fault-policy=discard"             # 10.8
	"fault-policy=bus-error|fault-policy=bus-error"         # 10.8
	"err-latch=latest|err-latch=latest"                     # 10.9
	"wac-latency=4|wac-latency=4"                           # 10.7: commands take 4 polls
	"perm-before-valid=on|perm-before-valid=on"             # 10.10
	"bypass-reset=0x3f|bypass-reset=0x3f"                   # 10.2: every master bypassed at reset
	"prefetch-valid-fix=on|prefetch-valid-fix=on"           # 10.5
	"range-invalidation=on|range-invalidation=on"           # 10.4
)
# Everything pessimistic at once: each open question answered the way
# that is hardest on a driver.
PESSIMISTIC="ivld-mask=silicon-only prefetch-distance=8 prefetch-holder=on gated-passthrough=on disabled-passthrough=on err-data-pte=off lane-reset-flush=off lane-reset-clears-fault=on err-latch=latest wac-latency=4 perm-before-valid=on bypass-reset=0x3f"
# Cases in which no DMA may fault: the model must log no fault at all.
NO_FAULT_CASES=" dma-domain-dmatest lazy-dmatest concurrent-masters pm-disabled system-sleep identity-domain no-unbind display display-sleep display-late-iommu "

# Mainline (the base's own drivers/iommu/sun50i-iommu.c and DT: 7.3's, or
# 6.12's with BASE=6.12; the two differ only in API changes) cannot pass these
# checks, as "case:check-id reason". Its domain switch is per device: the
# old domain is only dropped when its last device leaves, which never
# happens in a group of two PL330s. Not listed, because a kernel report
# is never expected: mainline's sun50i_iommu_map() dereferences the
# domain's IOMMU, which is NULL until the domain's first attach, so
# domain-switch-dma (which maps a domain before attaching it) Oopses.
# identity-domain fails in sun50i_iommu_identity_attach() on the switch
# back to the DMA domain (e2e/README.md): on 7.3 a refcount underflow,
# after which its DMA times out. Both FAIL.
RO_BUG="mainline bug: it writes DM_AUT_CTRL1 twice (read-only domain, then write-only domain), the second write clears the write-forbid bits of the first: read-only pages are writable"
DEV_BUG="mainline reports faults against the IOMMU's own device (report_iommu_fault(domain, iommu->dev, ...)), not the master's"
TTB_BUG="mainline bug: switching domains never disables translation in a two-device group, so it rewrites the TTB while translating"
NO_RPM="mainline has no runtime PM: its IOMMU is powered from the first attach until unbind"
ONE_FAULT="mainline services one fault class per interrupt (an else-if over permission, L1 and L2 faults), clears the others unreported, and reports against the IOMMU's own device"
LOG_ALL="mainline logs every fault with dev_err(), not rate-limited"
NO_SLEEP="mainline has no system sleep callbacks: its IOMMU stays powered through suspend"
NO_BLOCKED="mainline has no blocked domain (ops->blocked_domain is NULL): the case cannot block the mixer, so nothing faults"
NO_FQ="mainline does not offer IOMMU_CAP_DEFERRED_FLUSH: with iommu.strict=0 its group stays in a strict DMA domain"
# What the stable fixes in stable/ repair: with them applied (variant
# mainline-fixed), these checks must pass.
FIXED_BY_STABLE=" readonly-write-fault:fault-reported readonly-write-fault:fault-iova readonly-write-fault:fault-dir readonly-write-fault:ro-unchanged permission-matrix:ro-write several-faults:ro-unchanged "
MAINLINE_CANNOT=(
	"unmanaged-unmap-fault:fault-dev $DEV_BUG"
	"unmanaged-unmap-fault:audit-ttb $TTB_BUG"
	"readonly-write-fault:fault-dev $DEV_BUG"
	"readonly-write-fault:fault-reported $RO_BUG"
	"readonly-write-fault:fault-iova $RO_BUG"
	"readonly-write-fault:fault-dir $RO_BUG"
	"readonly-write-fault:ro-unchanged $RO_BUG"
	"readonly-write-fault:audit-ttb $TTB_BUG"
	"remap:audit-ttb $TTB_BUG"
	"blocked-domain:audit-ttb $TTB_BUG"
	"runtime-pm:audit-ttb $TTB_BUG"
	"fault-storm:log-ratelimited $LOG_ALL"
	"lazy-dmatest:fq-domain $NO_FQ"
	"prefetch-on-map:hole-faults $DEV_BUG"
	"prefetch-on-map:audit-ttb $TTB_BUG"
	"prefetch-on-unmap:unmapped-pte $DEV_BUG"
	"prefetch-on-unmap:retired-table $DEV_BUG"
	"prefetch-on-unmap:audit-ttb $TTB_BUG"
	"permission-matrix:ro-write $RO_BUG"
	"permission-matrix:ro-write-fault $DEV_BUG"
	"permission-matrix:wo-read-fault $DEV_BUG"
	"permission-matrix:none-read-fault $DEV_BUG"
	"permission-matrix:none-write-fault $DEV_BUG"
	"permission-matrix:audit-ttb $TTB_BUG"
	"several-faults:one-report-each $ONE_FAULT"
	"several-faults:report $ONE_FAULT"
	"several-faults:ro-unchanged $RO_BUG"
	"several-faults:audit-ttb $TTB_BUG"
	"debug-port-storm:log-ratelimited $LOG_ALL"
	"debug-port-storm:master-fault-reported $DEV_BUG"
	"runtime-pm:suspended $NO_RPM"
	"runtime-pm:idle-after-attach $NO_RPM"
	"runtime-pm:idle-after-remap $NO_RPM"
	"runtime-pm:master-idle $NO_RPM"
	"runtime-pm:runtime-status $NO_RPM"
	"runtime-pm:power-offs $NO_RPM"
	"system-sleep:sleep-power-off $NO_SLEEP"
	"display-sleep:sleep-power-off $NO_SLEEP"
	"display-fault:domains $NO_BLOCKED"
	"display-fault:fault-window $NO_BLOCKED"
	"display-fault:clean-after $NO_BLOCKED"
	"display-fault:mixer-faults $NO_BLOCKED"
	"display-fault:only-mixer $NO_BLOCKED"
	"display-fault:log-ratelimited $NO_BLOCKED"
	"display-fault:model-faults $NO_BLOCKED"
)
# What differs between the bases' mainline drivers in these runs.
case $BASE in
6.12)
	MAINLINE_CANNOT+=("system-sleep:kmemleak mainline allocates its Page Tables from a kmem_cache and keeps only their physical address (in the DTE), so kmemleak reports live Page Tables as leaks (sun50i_iommu_map in the backtrace)")
	;;
7.3)
	# 7.3's kmemleak reports none of them. identity-domain's switches
	# rewrite the TTB while translating (seen on 7.3).
	MAINLINE_CANNOT+=("identity-domain:audit-ttb $TTB_BUG")
	;;
esac

mkdir -p "$logs"
rm -rf "${logs:?}"/*
summary=$logs/summary.txt
: >"$summary"
failed=0

note() { echo "$*" | tee -a "$summary"; }
# info: a note from inside a check, whose stdout is its list of checks.
info() { echo "$*" >>"$summary"; echo "$*" >&2; }

# check ID COND... -- WHAT: "ok ID - WHAT" if the command COND succeeds.
check() {
	local id=$1 cmd=()
	shift
	while [ "$1" != -- ]; do cmd+=("$1"); shift; done
	shift
	if "${cmd[@]}"; then echo "ok $id - $*"; else echo "not ok $id - $*"; fi
}

# nopm_of VARIANT: the board kernel of VARIANT's tree without CONFIG_PM.
nopm_of() { if [ "$1" = ours ]; then echo nopm; else echo "$1-nopm"; fi; }
kdir_nopm=$BUILD/arm64-$(nopm_of "$variant")

"$TOP/tooling/board.sh" build "$variant"
# The kernel without CONFIG_PM, if a selected case boots it.
for entry in "${CASES[@]}"; do
	read -r name _ _ kernel _ <<<"$entry"
	if [ "$kernel" = nopm ] && { [ "$only" = "  " ] || [[ $only == *" $name "* ]]; }; then
		"$TOP/tooling/board.sh" build "$(nopm_of "$variant")"
		break
	fi
done

# mainline_reason CASE CHECK: the reason mainline cannot pass it, if listed.
mainline_reason() {
	local entry
	case $variant in
	mainline) ;;
	# The stable fixes (stable/) make these pass: no longer expected.
	mainline-fixed) [[ " $FIXED_BY_STABLE " != *" $1:$2 "* ]] || return 1 ;;
	*) return 1 ;;
	esac
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

# check_dmatest LOG MIN_TESTS: the dmatest summaries.
check_dmatest() {
	local log=$1 min=$2 tests failures n
	n=$(grep -c 'dmatest: .*summary [0-9]* tests' "$log" || true)
	tests=$(sed -n 's/.*summary \([0-9]*\) tests, \([0-9]*\) failures.*/\1/p' "$log" |
		awk '{ s += $1 } END { print s + 0 }')
	failures=$(sed -n 's/.*summary \([0-9]*\) tests, \([0-9]*\) failures.*/\2/p' "$log" |
		awk '{ s += $1 } END { print s + 0 }')
	info "    dmatest: $n threads, $tests transfers, $failures failures"
	check dmatest-ran [ "$n" -gt 0 ] -- "$n dmatest threads reported"
	check dmatest-count [ "$tests" -ge "$min" ] -- "$tests dmatest transfers (want >= $min)"
	check dmatest-failures [ "$failures" -eq 0 ] -- "$failures dmatest failures"
}

# Case-specific checks on the console and QEMU logs.
check_dma-domain-dmatest() { check_dmatest "$1" 2000; }

check_lazy-dmatest() {
	check fq-domain grep -q 'e2e: /sys/kernel/iommu_groups/0/type: DMA-FQ' "$1" \
		-- "the group's domain defers its flushes (type DMA-FQ)"
	check_dmatest "$1" 2000
}

check_concurrent-masters() {
	local log=$1 dev first_end last_start
	check_dmatest "$log" 1600
	# Both controllers' threads ran at the same time.
	for dev in dma0 dma1; do
		check "transfers-$dev" grep -q "dmatest: $dev"'chan[0-9]*-copy[0-9]*: summary [1-9]' "$log" \
			-- "dmatest transfers on $dev"
	done
	last_start=$(grep 'dmatest: Started' "$log" | tail -n1 | stamp)
	first_end=$(grep 'dmatest: .*summary' "$log" | stamp)
	check overlap awk -v s="${last_start:-x}" -v e="${first_end:-x}" \
		'BEGIN { exit !(s != "x" && e != "x" && s < e) }' \
		-- "every thread started by ${last_start:-?}s, the first finished at ${first_end:-?}s"
}

check_blocked-domain() {
	local qlog=$2 m
	for m in 1 4; do
		check "model-fault-m$m" grep -q "$FAULT .* master=$m " "$qlog" \
			-- "the model saw a fault of master $m in the blocked domain"
	done
}

# The hardware gives no direction for an invalid-entry fault, so the
# model's record is the truth: the first access after the unmap, the read
# of the source (IOVA 0x10000000), faults on each PL330's read lane
# (master 1 of PL330 #0, master 4 of PL330 #1).
check_unmanaged-unmap-fault() {
	local qlog=$2 m
	for m in 1 4; do
		check "model-fault-read-m$m" grep -qE "$FAULT L[12] invalid master=$m iova=0x10000[0-9a-f]{3} read " "$qlog" \
			-- "the model saw master $m read the unmapped source IOVA"
	done
}

check_fault-storm() {
	local log=$1 qlog=$2 ms lines faults bound
	ms=$(sed -n 's/.*storm: storm-duration-ms \([0-9]*\).*/\1/p' "$log")
	check storm-finished [ -n "$ms" ] -- "the storm finished in ${ms:-?} ms"
	[ -n "$ms" ] || return 0
	lines=$(driver_lines "$log" 'storm: begin' 'storm: end')
	faults=$(grep -c "$FAULT" "$qlog" || true)
	bound=$(ratelimit_bound "$ms")
	info "    storm: ${ms} ms, $faults faults in the model, $lines driver log lines (limit $bound)"
	check model-faults [ "$faults" -ge 1000 ] -- "$faults faults reached the IOMMU (want >= 1000)"
	check log-ratelimited [ "$lines" -le "$bound" ] -- "$lines driver log lines in ${ms} ms (limit $bound)"
}

check_debug-port-storm() {
	local log=$1 ms lines bound
	ms=$(sed -n 's/.*debug-storm: end: [0-9]* faults in \([0-9]*\) ms.*/\1/p' "$log")
	check storm-finished [ -n "$ms" ] -- "the storm finished in ${ms:-?} ms"
	[ -n "$ms" ] || return 0
	lines=$(driver_lines "$log" 'debug-storm: begin' 'debug-storm: end')
	bound=$(ratelimit_bound "$ms")
	info "    debug storm: ${ms} ms, $lines driver log lines (limit $bound)"
	check log-ratelimited [ "$lines" -le "$bound" ] -- "$lines driver log lines in ${ms} ms (limit $bound)"
	# The copy's write (master 3) into the unmapped IOVA faults.
	check master-fault-reported bash -c "sed -n '/debug-storm: a master fault/,\$p' '$log' |
		grep -q '30f0000\.iommu: .*fault at 0x00100000 by master [13] '" \
		-- "after the storm, the driver reported the master's fault"
}

# The model's power trace: "allwinner_h6_iommu_power bus clock X, reset Y".
# The model's power trace: the bus clock gated (the IOMMU is off from
# there), the reset asserted after it; the clock running again.
GATED='iommu_power bus clock gated'
RUNNING='iommu_power bus clock running'
power_offs() { grep -c "$GATED, reset asserted" "$1" || true; }
power_ons() { grep -c "$RUNNING, reset released" "$1" || true; }

# driver_lines LOG BEGIN END: the driver's log lines from BEGIN to END.
driver_lines() { sed -n "/$2/,/$3/p" "$1" | grep -c '30f0000\.iommu' || true; }
# A rate limit allows a burst of 10 per 5 s interval, plus one "callbacks
# suppressed" line each; a window of MS may touch one interval more.
ratelimit_bound() { echo $((($1 / 5000 + 2) * 11)); }

check_runtime-pm() {
	local log=$1 qlog=$2 states offs ons
	states=$(tr -d '\r' <"$log" |
		sed -n 's|.*/30f0000.iommu/power/runtime_status: ||p' |
		paste -sd' ' -)
	offs=$(power_offs "$qlog")
	ons=$(power_ons "$qlog")
	info "    runtime_status read: $states; the model saw $ons power-ons, $offs power-offs"
	check runtime-status [ "$states" = "suspended active suspended" ] \
		-- "runtime_status went '$states' (want: suspended active suspended)"
	# Idle after unbind, two copies, control=auto: 4 times off at least.
	check power-offs [ "$offs" -ge 4 ] -- "the IOMMU was powered off $offs times (want >= 4)"
}

check_system-sleep() {
	local log=$1 qlog=$2 cycles offs leaks
	cycles=$(grep -c 'sleep-cycles: ok suspend - cycle' "$log" || true)
	offs=$(power_offs "$qlog")
	leaks=$(grep -c 'unreferenced object' "$log" || true)
	info "    $cycles suspend/resume cycles, $offs IOMMU power-offs in the model, $leaks kmemleak reports"
	check cycles [ "$cycles" -eq 20 ] -- "$cycles of 20 suspend/resume cycles passed"
	check sleep-power-off [ "$offs" -ge 20 ] -- "the IOMMU was powered off $offs times in 20 cycles"
	check kmemleak-running grep -q 'kmemleak: Kernel memory leak detector initialized' "$log" \
		-- "kmemleak was running"
	check kmemleak [ "$leaks" -eq 0 ] -- "$leaks unreferenced objects"
}

check_pm-disabled() {
	local log=$1 qlog=$2 after
	check_dmatest "$log" 800
	# Powered at probe; never off again.
	after=$(sed -n '/bus clock running, reset released/,$p' "$qlog" |
		grep -c 'bus clock gated' || true)
	check powered grep -q 'bus clock running' "$qlog" -- "the IOMMU was powered"
	check never-off [ "$after" -eq 0 ] -- "the IOMMU was powered off $after times without CONFIG_PM"
	check no-config-pm bash -c "! grep -q '^CONFIG_PM=y' '$kdir_nopm/.config'" \
		-- "the nopm kernel has no CONFIG_PM"
}

# System sleep while scanning out: the IOMMU powered off after the first
# frame, no frame while it was off, and both sleeps returned (the frames of
# drm-flip's last run, after them, are e2e-display.py's last-run-frames).
check_display-sleep() {
	local log=$1 qlog=$2 offs during exits
	offs=$(sed -n '/allwinner_h6_de3_layer frame/,$p' "$qlog" | power_offs -)
	during=$(awk -v gated="$GATED" -v running="$RUNNING" '
		index($0, gated) { off = 1 }
		index($0, running) { off = 0 }
		off && /allwinner_h6_de3_layer frame/ { n++ }
		END { print n + 0 }' "$qlog")
	exits=$(grep -c 'PM: suspend exit' "$log" || true)
	info "    $offs IOMMU power-offs after the first frame; $during frames while off; $exits sleeps returned"
	check sleep-power-off [ "$offs" -ge 1 ] -- "the IOMMU was powered off $offs times after the first frame"
	check scanout-stopped-first [ "$during" -eq 0 ] \
		-- "$during frames scanned out while the IOMMU was off"
	check resumed [ "$exits" -eq 2 ] -- "$exits of 2 sleeps returned"
}

# Blocked while scanning out: the faults are the mixer's, logged
# rate-limited; the frames fault in one window, and are right after it
# (e2e-display.py --fault-window).
check_display-fault() {
	local log=$1 qlog=$2 mixer others faults lines
	mixer=$(grep -c 'fault at 0x[0-9a-f]* by master 0 (1100000\.mixer)' "$log" || true)
	others=$(grep 'fault at 0x[0-9a-f]* by master' "$log" |
		grep -vc 'by master 0 (1100000\.mixer)' || true)
	faults=$(grep -c "$FAULT" "$qlog" || true)
	lines=$(driver_lines "$log" 'display-block: blocked for' 'RESULT display-block')
	info "    $faults faults in the model; the driver logged $lines lines while blocked, $mixer naming the mixer"
	check mixer-faults [ "$mixer" -ge 1 ] -- "$mixer faults logged against master 0 (1100000.mixer)"
	# Both need faults logged: nothing logged is no pass.
	check only-mixer [ "$((mixer >= 1 && others == 0))" = 1 ] \
		-- "$others faults logged against another master or no device, $mixer against the mixer"
	# One fault a frame (the mixer gives up the layer for the frame), about
	# 30 in the blocked second. The window is shorter than one 5 s interval
	# of the rate limit, and the boot's first fault starts it: a burst of
	# 10 and no "callbacks suppressed" line yet.
	check model-faults [ "$faults" -ge 20 ] -- "$faults faults reached the IOMMU (want >= 20)"
	check log-ratelimited [ "$((lines >= 1 && lines <= 10 && faults > lines))" = 1 ] \
		-- "$lines driver log lines for $faults faults in the blocked second (1 to 10)"
}

# boot_checks LOG QLOG RC TIMEOUT: the boot itself, which must never fail.
boot_checks() {
	local log=$1 qlog=$2 rc=$3 timeout=$4 c reports errors
	check boot [ "$rc" -eq 0 ] -- "QEMU ended with $rc$([ "$rc" -ne 124 ] || echo " (timeout ${timeout} s)")"
	check guest-done grep -q 'e2e: done' "$log" -- "the guest script completed"
	reports=$(grep -E "$REPORTS" "$log" | head -n1)
	check kernel [ -z "$reports" ] -- "no kernel report${reports:+: $reports}"
	# A failed case is its checks; any other failed step is an error.
	errors=$(grep 'e2e: error:' "$log" | sed 's/.*e2e: error: //' | head -n1)
	check guest-errors [ -z "$errors" ] -- "no failed guest step${errors:+: $errors}"
	for c in $(sed -n 's/.*e2e: case \([^:]*\)[:].*/\1/p' "$log"); do
		check module-finished grep -q "RESULT ${c%%:*} " "$log" \
			-- "module case $c ran to its RESULT line"
	done
}

# The model's audit lines of the kinds with a check of their own.
AUDIT_TTB="$AUDIT TTB written"
AUDIT_UNTRANSLATED="$AUDIT untranslated DMA"

# audit_checks NAME QLOG: the model's audit of this boot; the lines of a
# kind mainline is expected to fail leave it (and only those lines) in
# $logs/audit-skipped.txt.
audit_checks() {
	local name=$1 qlog=$2 ttb untranslated other first
	ttb=$(grep -c "$AUDIT_TTB" "$qlog" || true)
	untranslated=$(grep -c "$AUDIT_UNTRANSLATED" "$qlog" || true)
	other=$(grep "$AUDIT" "$qlog" | grep -v "$AUDIT_TTB" |
		grep -vc "$AUDIT_UNTRANSLATED" || true)
	first=$(grep "$AUDIT" "$qlog" | grep -v "$AUDIT_TTB" |
		grep -v "$AUDIT_UNTRANSLATED" | head -n1)
	check audit-ttb [ "$ttb" -eq 0 ] -- "$ttb TTB writes while masters translate"
	check audit-untranslated [ "$untranslated" -eq 0 ] -- "$untranslated untranslated master accesses$([ "$untranslated" -eq 0 ] ||
		echo ": $(grep "$AUDIT_UNTRANSLATED" "$qlog" | head -n1)")"
	check audit [ "$other" -eq 0 ] -- "$other other audit errors${first:+: $first}"
	if mainline_reason "$name" audit-ttb >/dev/null; then
		grep "$AUDIT_TTB" "$qlog" >>"$logs/audit-skipped.txt" || true
	fi
	if mainline_reason "$name" audit-untranslated >/dev/null; then
		grep "$AUDIT_UNTRANSLATED" "$qlog" >>"$logs/audit-skipped.txt" || true
	fi
}

# case_checks NAME LOG QLOG RC TIMEOUT: every check of one boot.
case_checks() {
	local name=$1 log=$2 qlog=$3 faults
	boot_checks "$log" "$qlog" "$4" "$5"
	audit_checks "$name" "$qlog"
	if [[ $NO_FAULT_CASES == *" $name "* ]]; then
		faults=$(grep -c "$FAULT" "$qlog" || true)
		check no-fault [ "$faults" -eq 0 ] -- "$faults faults in the model$([ "$faults" -eq 0 ] ||
			echo ": $(grep "$FAULT" "$qlog" | head -n1)")"
	fi
	# The module's checks: "<module>: <case>: [not ]ok <id> - <what>".
	grep -o 'sun50i_iommu_e2e: [a-z0-9-]*: \(not \)\{0,1\}ok .*' "$log" |
		sed 's/^sun50i_iommu_e2e: [^ ]* //'
	# The frames the mixer scanned out against what drm-flip drew.
	# It exits non-zero when a check failed; a failure that printed no
	# check (a crash before its first line) is a check of its own.
	if [[ $DISPLAY_CASES == *" $name "* ]]; then
		local out rc=0
		out=$(python3 "$TOP/tooling/e2e-display.py" \
			$(tr ' ' '\n' <<<"$DISPLAY_ARGS" | sed -n "s/^$name|//p") \
			"$log" "$qlog" 2>&1) || rc=$?
		echo "$out"
		[ "$rc" -eq 0 ] || grep -q '^not ok ' <<<"$out" ||
			echo "not ok e2e-display - tooling/e2e-display.py exited $rc"
	fi
	if type "check_$name" >/dev/null 2>&1; then
		"check_$name" "$log" "$qlog"
	fi
}

# run_case NAME SCRIPT TIMEOUT KERNEL SOC SETTING PROPS: boot, evaluate,
# record as "$prefix.NAME[SOC,SETTING]", leaving out what is the default.
run_case() {
	local name=$1 script=$2 timeout=$3 kernel=$4 soc=$5 setting=$6 props=$7
	local tag="" rc=0 t0 secs dir result append
	local log qlog line id reason ran=0 own=0 skipped=0 entry
	local -a bad=() skips=()
	[ "$soc" = h6 ] || tag=$soc
	[ "$setting" = default ] || tag=${tag:+$tag,}$setting
	result=$prefix.$name${tag:+[$tag]}
	dir=$logs/$name${tag:+[$tag]}
	log=$dir/console.log
	qlog=$dir/qemu.log
	case $kernel in
	-) kernel=$variant ;;
	nopm) kernel=$(nopm_of "$variant") ;;
	esac
	[[ $UNTRANSLATED_CASES == *" $name "* ]] || props+=" audit-untranslated=on"
	append=$(tr ' ' '\n' <<<"$APPEND_CASES" | sed -n "s/^$name|//p")
	step "$result ($kernel kernel, e2e/guest/$script.e2e)"
	t0=$(date +%s)
	BOARD_SOC=$soc BOARD_GLOBALS=$props BOARD_APPEND=$append \
		BOARD_DMAS=$([[ $FOUR_DMA_CASES == *" $name "* ]] && echo 4 || echo 2) \
		BOARD_DISPLAY=$([[ $DISPLAY_CASES == *" $name "* ]] && echo 1 || echo 0) \
		"$TOP/tooling/board.sh" boot "$kernel" "$script" "$dir" "$timeout" || rc=$?
	secs=$(($(date +%s) - t0))
	note "  $name${tag:+[$tag]}: ${secs} s"

	# The checks report failures as lines: none may end the script.
	(set +e +o pipefail; case_checks "$name" "$log" "$qlog" "$rc" "$timeout") \
		>"$dir/checks.log"
	while IFS= read -r line; do
		id=$(sed -n 's/^\(not \)\{0,1\}ok \([^ ]*\).*/\2/p' <<<"$line")
		[ -n "$id" ] || continue
		ran=$((ran + 1))
		[[ $BOOT_CHECKS == *" $id "* ]] || own=$((own + 1))
		[ "${line%% *}" = not ] || continue
		if [[ $BOOT_CHECKS != *" $id "* ]] &&
			reason=$(mainline_reason "$name" "$id"); then
			skipped=$((skipped + 1))
			skips+=("$id")
		else
			bad+=("$line")
		fi
	done <"$dir/checks.log"
	# Every listed mainline failure must still fail.
	for entry in "${MAINLINE_CANNOT[@]}"; do
		[ "$variant" != ours ] && [ "${entry%%:*}" = "$name" ] || continue
		id=${entry%% *}
		id=${id#*:}
		mainline_reason "$name" "$id" >/dev/null || continue
		[[ " ${skips[*]} " == *" $id "* ]] ||
			bad+=("stale expectation: mainline check $id passed (listed: ${entry#* })")
	done

	for id in $(printf '%s\n' "${skips[@]}" | sort -u); do
		skip "$result.$id" "$(mainline_reason "$name" "$id")"
	done
	if [ ${#bad[@]} -gt 0 ]; then
		fail "$result ($ran checks, ${#bad[@]} failed; see $dir/checks.log)"
		printf '    %s\n' "${bad[@]}" | head -n 15
		failed=1
	elif [ "$own" -gt 0 ] && [ "$skipped" -eq "$own" ]; then
		skip "$result" "all $own of its checks skipped ($ran ran)"
	elif [ "$own" -eq 0 ]; then
		fail "$result (the case ran none of its own checks)"
		failed=1
	else
		pass "$result ($ran checks$([ "$skipped" -eq 0 ] || echo ", $skipped skipped"))"
	fi
}

# The runs: "SOC SCOPE SETTING|PROPERTIES"; SCOPE full runs every case,
# short the cases that run under every setting.
RUNS=("h6 full default|")
if [ "$variant" = ours ]; then
	RUNS+=("h616 full default|" "h6 full pessimistic|$PESSIMISTIC"
		"h616 short pessimistic|$PESSIMISTIC")
	for entry in "${SETTINGS[@]}"; do
		RUNS+=("h6 short $entry")
	done
fi

t_all=$(date +%s)
: >"$logs/audit-skipped.txt"
for run in "${RUNS[@]}"; do
	read -r soc scope rest <<<"$run"
	setting=${rest%%|*}
	[[ $soc,$setting =~ ${E2E_RUNS:-.} ]] || continue
	for entry in "${CASES[@]}"; do
		read -r name script timeout kernel runs _ <<<"$entry"
		[ "$only" = "  " ] || [[ $only == *" $name "* ]] || continue
		[ "$soc" = h6 ] || [[ $DISPLAY_CASES != *" $name "* ]] || continue
		case $runs in
		default) [ "$soc $setting" = "h6 default" ] || continue ;;
		full) [ "$scope" = full ] || continue ;;
		esac
		run_case "$name" "$script" "$timeout" "$kernel" "$soc" \
			"$setting" "${rest#*|}"
	done
done
[ -n "$(ls "$logs"/*/qemu.log 2>/dev/null)" ] || die "no case named:$only"

# The model's audit over all boots, less the lines of expected failures.
grep -h "$AUDIT" "$logs"/*/qemu.log | grep -vxFf "$logs/audit-skipped.txt" \
	>"$logs/audit.txt" || true
audits=$(wc -l <"$logs/audit.txt")
if [ "$audits" -eq 0 ]; then
	pass "$prefix.audit-errors (0 audit errors in $(ls "$logs"/*/qemu.log | wc -l) boots, $(wc -l <"$logs/audit-skipped.txt") expected)"
else
	fail "$prefix.audit-errors ($audits audit errors, see $logs/audit.txt)"
	sed 's/0x[0-9a-f]*/0x.../g' "$logs/audit.txt" | sort | uniq -c |
		sort -rn | head -n 5 | sed 's/^/    /'
	failed=1
fi
note "  total: $(($(date +%s) - t_all)) s"
exit "$failed"
