#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# teeth.sh MUTATION kunit|e2e: put a known bug into the prepared tree's
# driver, run one suite, show what failed, and restore the tree. Exits 0
# when the suite caught the bug, 1 when the bug survived.
source "$(dirname "$0")/lib.sh"

drv=$TREE/drivers/iommu/sun50i-iommu.c
case ${1:-} in
no-pte-clean)	# no cache maintenance after the PTE writes
	old='	sun50i_table_clean(dom->iommu->dev, sun50i_pte_dma(slot, iova),
			   n * sizeof(u32));'
	new='' ;;
early-free)	# a retired Page Table freed before its invalidation
	old='	list_add_tail(&virt_to_page(sun50i_pt_page_unmap(dom, new))->lru,
		      freelist);'
	new='	iommu_free_page(sun50i_pt_page_unmap(dom, new));' ;;
swap-rw)	# read-only and write-only swapped
	old='		return SUN50I_ACI_RD;
	case IOMMU_WRITE:
		return SUN50I_ACI_WR;'
	new='		return SUN50I_ACI_WR;
	case IOMMU_WRITE:
		return SUN50I_ACI_RD;' ;;
no-unmap-ivld)	# no TLB invalidation after unmap
	old='	if (list_empty(&gather->freelist))
		sun50i_domain_invalidate(dom, start, end, 0, 0);
	else
		sun50i_domain_invalidate(dom, start, end, start, end);'
	new='' ;;
ttb-translating) # TTB written while the masters still translate
	old='	sun50i_iommu_write(iommu, IOMMU_BYPASS_REG, masters);
	sun50i_iommu_write(iommu, IOMMU_TTB_REG,
			   sun50i_iommu_installed_ttb(iommu));'
	new='	sun50i_iommu_write(iommu, IOMMU_TTB_REG,
			   sun50i_iommu_installed_ttb(iommu));
	sun50i_iommu_write(iommu, IOMMU_BYPASS_REG, masters);' ;;
ivld-while-off)	# invalidations reach the registers of a powered-off IOMMU
	old='	if (!iommu->powered || iommu->installed != &dom->domain)'
	new='	if (iommu->installed != &dom->domain)' ;;
attach-while-off) # an attach programs a powered-off IOMMU
	old='	return iommu->powered ? sun50i_iommu_program(iommu) : 0;'
	new='	return sun50i_iommu_program(iommu);' ;;
no-program-flush) # no TLB flush when programming (domain switch, power-on)
	old='	ret = sun50i_iommu_tlb_flush(iommu);
	if (ret)
		return ret;
	sun50i_iommu_write(iommu, IOMMU_AUTO_GATING_REG, IOMMU_AUTO_GATING);'
	new='	sun50i_iommu_write(iommu, IOMMU_AUTO_GATING_REG, IOMMU_AUTO_GATING);' ;;
irq-while-off)	# the fault thread reads a powered-off IOMMU
	old='	n = iommu->powered ? sun50i_iommu_read_faults(iommu, faults, &domain) : 0;'
	new='	n = sun50i_iommu_read_faults(iommu, faults, &domain);' ;;
no-pm-link)	# masters not linked to the IOMMU for runtime PM
	old='	if (!device_link_add(dev, iommu->dev, DL_FLAG_STATELESS |
			     DL_FLAG_PM_RUNTIME | DL_FLAG_RPM_ACTIVE)) {'
	new='	if (0) {' ;;
leak-on-power-on) # memory allocated on every power-on and never freed
	old='	ret = reset_control_deassert(iommu->reset);
	if (ret) {'
	new='	iommu->dev->platform_data = kzalloc(64, GFP_KERNEL);
	ret = reset_control_deassert(iommu->reset);
	if (ret) {' ;;
no-lane-pulse)	# faulting lanes released without being reset first
	old='	sun50i_iommu_write(iommu, IOMMU_RESET_REG, ~masters);
	sun50i_iommu_write(iommu, IOMMU_RESET_REG, IOMMU_RESET_RELEASE_ALL);'
	new='	sun50i_iommu_write(iommu, IOMMU_RESET_REG, IOMMU_RESET_RELEASE_ALL);' ;;
flush-after-enable) # translation enabled before the stale TLBs are flushed
	old='	ret = sun50i_iommu_tlb_flush(iommu);
	if (ret)
		return ret;
	sun50i_iommu_write(iommu, IOMMU_AUTO_GATING_REG, IOMMU_AUTO_GATING);
	if (iommu->installed != &sun50i_iommu_identity_domain)
		sun50i_iommu_write(iommu, IOMMU_BYPASS_REG, 0);
	sun50i_iommu_write(iommu, IOMMU_ENABLE_REG, IOMMU_ENABLE);
	return 0;'
	new='	sun50i_iommu_write(iommu, IOMMU_AUTO_GATING_REG, IOMMU_AUTO_GATING);
	if (iommu->installed != &sun50i_iommu_identity_domain)
		sun50i_iommu_write(iommu, IOMMU_BYPASS_REG, 0);
	sun50i_iommu_write(iommu, IOMMU_ENABLE_REG, IOMMU_ENABLE);
	return sun50i_iommu_tlb_flush(iommu);' ;;
ro-write)	# a write to a read-only register (INT_STA), otherwise harmless
	old='	sun50i_iommu_write(iommu, IOMMU_DM_AUT_OVWT_REG, 0);'
	new='	sun50i_iommu_write(iommu, IOMMU_DM_AUT_OVWT_REG, 0);
	sun50i_iommu_write(iommu, IOMMU_INT_STA_REG, 0);' ;;
*)
	die "usage: teeth.sh no-pte-clean|early-free|swap-rw|no-unmap-ivld|ttb-translating|ivld-while-off|attach-while-off|no-program-flush|irq-while-off|no-pm-link|leak-on-power-on|no-lane-pulse|flush-after-enable|ro-write kunit|e2e" ;;
esac
suite=${2:?suite: kunit or e2e}

"$TOP/tooling/prepare-tree.sh" >/dev/null
OLD=$old NEW=$new python3 - "$drv" <<'PY'
import os, sys
path = sys.argv[1]
text = open(path).read()
if text.count(os.environ["OLD"]) != 1:
    sys.exit("teeth.sh: the code to break is not in the driver any more")
open(path, "w").write(text.replace(os.environ["OLD"], os.environ["NEW"]))
PY
step "driver broken ($1); running $suite"
rm -f "$RESULTS"
"$TOP/tooling/$suite.sh" >/dev/null 2>&1 || true
step "restoring the tree"
"$TOP/tooling/prepare-tree.sh" >/dev/null
if grep '^FAIL' "$RESULTS"; then
	echo "caught: $1"
else
	echo "SURVIVED: $1"
	exit 1
fi
