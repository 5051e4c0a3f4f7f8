#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# teeth.sh MUTATION kunit|e2e [CASE...]: put a known bug into the prepared
# tree's driver, run one suite (e2e: only the named cases, if any; and only
# the settings E2E_RUNS matches), show what failed, and restore the tree.
# Exits 0 when the suite caught the bug, 1 when the bug survived.
source "$(dirname "$0")/lib.sh"

drv=$TREE/drivers/iommu/sun50i-iommu.c
# The mutation names: the labels of the case below.
mutations() { sed -n 's/^\([a-z0-9-]*\))[[:space:]]*#.*/\1/p' "$0" | paste -sd' ' -; }
case ${1:-} in
no-pte-clean)	# no cache maintenance after the PTE writes
	old='	sun50i_table_clean(dom->iommu->dev, sun50i_pte_dma(slot, iova),
			   n * sizeof(u32));'
	new='' ;;
early-free)	# a retired Page Table freed before its invalidation
	old='		list_add_tail(&virt_to_page(table)->lru, freelist);'
	new='		iommu_free_page(table);' ;;
swap-rw)	# read-only and write-only swapped
	old='		return SUN50I_ACI_RD;
	case IOMMU_WRITE:
		return SUN50I_ACI_WR;'
	new='		return SUN50I_ACI_WR;
	case IOMMU_WRITE:
		return SUN50I_ACI_RD;' ;;
no-unmap-ivld)	# no TLB flush after unmap
	old='	sun50i_pt_pages_free(dom, &gather->freelist, sun50i_domain_flush(dom));'
	new='	sun50i_pt_pages_free(dom, &gather->freelist, 0);' ;;
no-map-flush)	# no TLB flush after map: cached invalid entries stay
	old='	return sun50i_domain_flush(to_sun50i_domain(domain));'
	new='	return 0;' ;;
short-runs)	# map runs stop at the end of each Page Table, not of the table page
	old='	n = min_t(size_t, pgcount, SUN50I_GROUP_PTES - first);
	slot = sun50i_pt_get('
	new='	n = min_t(size_t, pgcount, SUN50I_PT_ENTRIES - first % SUN50I_PT_ENTRIES);
	slot = sun50i_pt_get(' ;;
spare-before-flush) # a retired table page reused before the flush that retires it
	old='	    cmpxchg(&dom->retired, NULL, table))'
	new='	    cmpxchg(&dom->spare, NULL, table))' ;;
spare-kept-empty) # an empty domain keeps its spare table page
	old='	if (!atomic_read(&dom->groups) && READ_ONCE(dom->spare))'
	new='	if (0)' ;;
no-deferred-flush) # the deferred flush not offered: iommu.strict=0 stays strict
	old='	return cap == IOMMU_CAP_DEFERRED_FLUSH;'
	new='	return false;' ;;
ttb-translating) # TTB written while the masters' lanes still run
	old='	sun50i_iommu_lanes_hold(iommu, masters);'
	new='	sun50i_iommu_write(iommu, IOMMU_TTB_REG, sun50i_iommu_ttb(iommu, domain));
	sun50i_iommu_lanes_hold(iommu, masters);' ;;
bypass-switch)	# the old switch: every master bypassed, so DMA goes untranslated
	old='	sun50i_iommu_lanes_hold(iommu, masters);'
	new='	sun50i_iommu_write(iommu, IOMMU_BYPASS_REG, masters);' ;;
ivld-while-off)	# invalidations reach the registers of a powered-off IOMMU
	old='	if (iommu->powered && iommu->installed == &dom->domain)'
	new='	if (iommu->installed == &dom->domain)' ;;
display-bypassed) # master 0, the display engine, left bypassed in a paging domain
	old='			   domain == &sun50i_iommu_identity_domain ? masters : 0);'
	new='			   domain == &sun50i_iommu_identity_domain ? masters : BIT(0));' ;;
sleep-early)	# system sleep powers the IOMMU off in the normal phase, before the display stops
	old='	LATE_SYSTEM_SLEEP_PM_OPS(sun50i_iommu_suspend_late,'
	new='	SYSTEM_SLEEP_PM_OPS(sun50i_iommu_suspend_late,' ;;
irq-safe-ignored) # an IRQ-safe master (pl330) does not keep the IOMMU on
	old='	if (sun50i_iommu_irq_safe_master_live(iommu))
		return -EBUSY;'
	new='	if (sun50i_iommu_irq_safe_master_live(iommu))
		dev_dbg(dev, "an IRQ-safe master is live\n");' ;;
master-taken)	# a second device of a master ID refused: 6.12's late DRM device gets no IOMMU
	old='	for (i = 0; i < fwspec->num_ids; i++)
		if (!iommu->masters[fwspec->ids[i]])'
	new='	for (i = 0; i < fwspec->num_ids; i++)
		if (iommu->masters[fwspec->ids[i]]) {
			spin_unlock_irqrestore(&iommu->lock, flags);
			device_link_remove(dev, iommu->dev);
			return ERR_PTR(-EBUSY);
		} else' ;;
master-last)	# a master ID's faults go to its last device: 6.12's DRM device, not the mixer
	old='		if (!iommu->masters[fwspec->ids[i]])
			iommu->masters[fwspec->ids[i]] = dev;'
	new='		iommu->masters[fwspec->ids[i]] = dev;' ;;
fault-dev-iommu) # faults reported against the IOMMU's own device, not the master's
	old='		fs->f[m].dev = get_device(iommu->masters[fs->f[m].master]);'
	new='		fs->f[m].dev = get_device(iommu->dev);' ;;
attach-while-off) # an attach programs a powered-off IOMMU
	old='	if (iommu->powered)
		return sun50i_iommu_program(iommu, domain);'
	new='	return sun50i_iommu_program(iommu, domain);' ;;
no-program-flush) # no TLB flush when programming (domain switch, power-on)
	old='	ret = sun50i_iommu_tlb_flush(iommu);
	if (ret) {
		if (iommu->installed)'
	new='	ret = 0;
	if (ret) {
		if (iommu->installed)' ;;
irq-while-off)	# the fault thread reads a powered-off IOMMU
	old='	if (iommu->powered)
		sun50i_iommu_read_faults(iommu, &fs);'
	new='	sun50i_iommu_read_faults(iommu, &fs);' ;;
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
	old='	if (fs->lanes) {
		sun50i_iommu_lanes_hold(iommu, fs->lanes);
		sun50i_iommu_lanes_release(iommu);
	}'
	new='	if (fs->lanes)
		sun50i_iommu_lanes_release(iommu);' ;;
flush-after-enable) # translation enabled before the stale TLBs are flushed
	old='	ret = sun50i_iommu_tlb_flush(iommu);
	if (ret) {
		if (iommu->installed)
			sun50i_iommu_write(iommu, IOMMU_TTB_REG,
					   sun50i_iommu_ttb(iommu,
							    iommu->installed));
		sun50i_iommu_lanes_release(iommu);
		return ret;
	}
	sun50i_iommu_write(iommu, IOMMU_AUTO_GATING_REG, IOMMU_AUTO_GATING);
	sun50i_iommu_write(iommu, IOMMU_BYPASS_REG,
			   domain == &sun50i_iommu_identity_domain ? masters : 0);
	sun50i_iommu_write(iommu, IOMMU_ENABLE_REG, IOMMU_ENABLE);
	sun50i_iommu_lanes_release(iommu);'
	new='	sun50i_iommu_write(iommu, IOMMU_AUTO_GATING_REG, IOMMU_AUTO_GATING);
	sun50i_iommu_write(iommu, IOMMU_BYPASS_REG,
			   domain == &sun50i_iommu_identity_domain ? masters : 0);
	sun50i_iommu_write(iommu, IOMMU_ENABLE_REG, IOMMU_ENABLE);
	sun50i_iommu_lanes_release(iommu);
	ret = sun50i_iommu_tlb_flush(iommu);
	if (ret)
		return ret;' ;;
ro-write)	# a write to a read-only register (INT_STA), otherwise harmless
	old='	sun50i_iommu_write(iommu, IOMMU_DM_AUT_OVWT_REG, 0);'
	new='	sun50i_iommu_write(iommu, IOMMU_DM_AUT_OVWT_REG, 0);
	sun50i_iommu_write(iommu, IOMMU_INT_STA_REG, 0);' ;;
debug-port-irq-none) # debug port faults cleared but not counted as handled
	old='	if (!fs.status)
		return IRQ_NONE;'
	new='	if (!fs.nr)
		return IRQ_NONE;' ;;
dte-unclean)	# a second mapper trusts a DTE whose clean has not finished
	old='	if (test_bit_acquire(dte_idx, dom->dte_live))
		return;'
	new='	if (READ_ONCE(dom->dt[dte_idx]) == dte)
		return;' ;;
free-after-failed-ivld) # table pages freed although their invalidation failed
	old='	if (ret)
		dev_err(dom->iommu->dev,
			"leaking %zu table pages the IOMMU may still walk\n",
			list_count_nodes(freelist));
	else
		iommu_put_pages_list(freelist);'
	new='	iommu_put_pages_list(freelist);' ;;
no-switch-on-free) # the installed domain freed without switching away first
	old='	if (iommu->installed == domain) {
		ret = sun50i_iommu_switch(iommu, &sun50i_iommu_blocked_domain);'
	new='	if (0) {
		ret = sun50i_iommu_switch(iommu, &sun50i_iommu_blocked_domain);' ;;
put-now-no-ivld) # a table page retired outside an unmap, freed unflushed
	old='		sun50i_pt_pages_free(dom, &freelist, sun50i_domain_flush(dom));'
	new='		sun50i_pt_pages_free(dom, &freelist, 0);' ;;
release-before-report) # the faulting lanes recovered before the report
	old='	for (i = 0; i < fs.nr; i++) {
		if (fs.f[i].perm && fs.domain &&
		    (fs.domain->type & __IOMMU_DOMAIN_PAGING))
			sun50i_fault_direction(to_sun50i_domain(fs.domain),
					       &fs.f[i]);
		sun50i_iommu_report(iommu, fs.domain, &fs.f[i]);
	}

	spin_lock_irqsave(&iommu->lock, flags);
	sun50i_iommu_recover(iommu, &fs);
	spin_unlock_irqrestore(&iommu->lock, flags);'
	new='	spin_lock_irqsave(&iommu->lock, flags);
	sun50i_iommu_recover(iommu, &fs);
	spin_unlock_irqrestore(&iommu->lock, flags);

	for (i = 0; i < fs.nr; i++) {
		if (fs.f[i].perm && fs.domain &&
		    (fs.domain->type & __IOMMU_DOMAIN_PAGING))
			sun50i_fault_direction(to_sun50i_domain(fs.domain),
					       &fs.f[i]);
		sun50i_iommu_report(iommu, fs.domain, &fs.f[i]);
	}' ;;
reset-all-lanes) # fault recovery resets every lane, not only the faulting ones
	old='	fs->lanes = (perm | l1 | l2) & masters;'
	new='	fs->lanes = masters;' ;;
stale-recovery)	# recovery after a domain switch pulses lanes the switch reset
	old='	if (!iommu->powered || iommu->programs != fs->programs)'
	new='	if (!iommu->powered)' ;;
null-dev-alloc)	# domain_alloc_paging() trusts its device
	old='	struct sun50i_iommu *iommu = dev ? dev_iommu_priv_get(dev) : NULL;'
	new='	struct sun50i_iommu *iommu = dev_iommu_priv_get(dev);' ;;
unbindable)	# the IOMMU can be unbound through sysfs while masters use it
	old='		.suppress_bind_attrs = true,'
	new='' ;;
*)
	die "usage: teeth.sh MUTATION kunit|e2e [CASE...], MUTATION one of: $(mutations)" ;;
esac
mutation=$1
suite=${2:?suite: kunit or e2e}
shift 2
args=()
[ "$suite" != e2e ] || args=(ours "$@")

"$TOP/tooling/prepare-tree.sh" >/dev/null
OLD=$old NEW=$new python3 - "$drv" <<'PY'
import os, sys
path = sys.argv[1]
text = open(path).read()
if text.count(os.environ["OLD"]) != 1:
    sys.exit("teeth.sh: the code to break is not in the driver any more")
open(path, "w").write(text.replace(os.environ["OLD"], os.environ["NEW"]))
PY
step "driver broken ($mutation); running $suite"
rm -f "$RESULTS"
"$TOP/tooling/$suite.sh" "${args[@]}" >/dev/null 2>&1 || true
step "restoring the tree"
"$TOP/tooling/prepare-tree.sh" >/dev/null
if grep '^FAIL' "$RESULTS"; then
	echo "caught: $mutation"
else
	echo "SURVIVED: $mutation"
	exit 1
fi
