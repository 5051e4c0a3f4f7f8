#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# run.sh (make run): build what is missing, boot the emulated board with
# our kernel, show the IOMMU driver and its group, run a DMA copy through
# the IOMMU (e2e/guest/demo.e2e: mappings, a fault, the IOMMU's PMU
# counters), power off, and show what the IOMMU model saw.
source "$(dirname "$0")/lib.sh"

dir=$OUT/logs/run
"$TOP/tooling/board.sh" build ours
step "booting sun50i-h6-iommu-testbed (console below; log in $dir)"
rc=0
BOARD_TEE=1 "$TOP/tooling/board.sh" boot ours demo "$dir" 180 || rc=$?

step "what the IOMMU model saw (QEMU log $dir/qemu.log)"
grep 'sun50i-iommu: fault:' "$dir/qemu.log" | sed 's/^/    /' | head -n 10 || true
echo "    $(grep -c 'sun50i-iommu: fault:' "$dir/qemu.log" || true) fault(s)," \
	"$(grep -c 'sun50i-iommu: audit:' "$dir/qemu.log" || true) audit error(s)"
[ "$rc" -eq 0 ] || die "the board did not power off cleanly ($rc)"
grep -q 'RESULT demo PASS' "$dir/console.log" || die "the demo failed"
step "done"
