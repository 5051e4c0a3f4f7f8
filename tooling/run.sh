#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# run.sh (make run): build what is missing, boot the emulated board with
# our kernel and the display path, show the IOMMU driver and its group, run
# a DMA copy through the IOMMU (e2e/guest/demo.e2e: mappings, a fault, the
# IOMMU's PMU counters), show the console and a test pattern on the display
# (screenshots out/run/console.png and out/run/screen.png, taken by QEMU),
# power off, and show what the IOMMU model saw.
source "$(dirname "$0")/lib.sh"

dir=$OUT/logs/run
shots=$OUT/run
qmp=$dir/qmp.sock
"$TOP/tooling/board.sh" build ours
step "booting sun50i-h6-iommu-testbed (console below; log in $dir)"
mkdir -p "$dir" "$shots"
rm -f "$shots"/*.png "$qmp"
# The screenshots, when the guest says what is on the display.
python3 "$TOP/tooling/screendump.py" "$qmp" "$shots/console.png" \
	--after "$dir/console.log" "e2e: the console on the display" \
	>"$dir/console-shot.log" 2>&1 &
console_shot=$!
python3 "$TOP/tooling/screendump.py" "$qmp" "$shots/screen.png" \
	--after "$dir/console.log" "drm-flip: holding" \
	>"$dir/screen-shot.log" 2>&1 &
screen_shot=$!
# Whatever happens to the boot, no screenshot waiter outlives this script.
trap 'kill "$console_shot" "$screen_shot" 2>/dev/null || true' EXIT
rc=0
BOARD_TEE=1 BOARD_DISPLAY=1 BOARD_QMP=$qmp BOARD_APPEND="console=tty0" \
	"$TOP/tooling/board.sh" boot ours demo "$dir" 180 || rc=$?

step "what the IOMMU model saw (QEMU log $dir/qemu.log)"
grep 'sun50i-iommu: fault:' "$dir/qemu.log" | sed 's/^/    /' | head -n 10 || true
echo "    $(grep -c 'sun50i-iommu: fault:' "$dir/qemu.log" || true) fault(s)," \
	"$(grep -c 'sun50i-iommu: audit:' "$dir/qemu.log" || true) audit error(s)"
[ "$rc" -eq 0 ] || die "the board did not power off cleanly ($rc)"
grep -q 'RESULT demo PASS' "$dir/console.log" || die "the demo failed"
! grep -q 'e2e: error:' "$dir/console.log" ||
	die "a demo step failed: $(grep -m1 'e2e: error:' "$dir/console.log")"
shot_rc=0
wait "$console_shot" || shot_rc=$?
wait "$screen_shot" || shot_rc=$?
[ "$shot_rc" -eq 0 ] || die "a screenshot is missing: $(cat "$dir"/*-shot.log)"
step "screenshots: $shots/console.png, $shots/screen.png"
step "done"
