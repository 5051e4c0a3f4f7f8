#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Does the model's self-test have teeth? Put known bugs into the model.

For each mutation below (one small edit of the IOMMU model), rebuild
qemu-system-aarch64 incrementally in build/qemu-build, run the self-test
(tooling/qtest-iommu.py) against it, and report whether a case failed
("killed") or the bug survived. The model source is restored and the
emulator rebuilt at the end. Needs `make emulator` first. Slow (one
rebuild and one self-test run per mutation), so not part of `make check`.

  tooling/qtest-mutants.py [NAME...]

Prints one "killed NAME (cases)" / "SURVIVED NAME" line per mutation and
"N of M mutations killed"; exits 1 if any survived.
"""

import os
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODEL = "hw/misc/allwinner-h6-iommu.c"
OURS = os.path.join(REPO, "emulator/qemu", MODEL)
BUILT = os.path.join(REPO, "build/qemu-src", MODEL)
QBUILD = os.path.join(REPO, "build/qemu-build")

# name: (what the bug is, text in the model, its replacement)
MUTATIONS = {
    "pte-valid-ignored": (
        "every PTE counts as valid",
        "    return pte & PTE_VALID;",
        "    return true;"),
    "perm-rw-swapped": (
        "read and write permission bits swapped",
        "unsigned bit = 2 * master + (is_write ? 1 : 0);",
        "unsigned bit = 2 * master + (is_write ? 0 : 1);"),
    "perm-unchecked": (
        "permission domains not enforced",
        "    } else if (perm_denied(s, master, pte, is_write)) {",
        "    } else if (0) {"),
    "no-neighbour-prefetch": (
        "neighbour prefetch never happens",
        "return s->neighbour_prefetch && master < (int)s->num_masters &&",
        "return false && master < (int)s->num_masters &&"),
    "invalid-not-cached": (
        "invalid PTEs are never cached",
        "        if (pte_valid(pte) || s->cache_invalid) {",
        "        if (pte_valid(pte)) {"),
    "ivld-mask-ignored": (
        "TLB invalidation by address drops nothing",
        ": ((va & mask) == (addr & mask))) {",
        ": (0)) {"),
    "int-clr-noop": (
        "INT_CLR clears nothing",
        "        s->int_sta &= ~val;",
        "        s->int_sta &= ~0u;"),
    "lane-stall-kept": (
        "a lane reset does not end the stall",
        "        s->stuck &= ~BIT(m);",
        "        ;"),
    "ttb-audit-off": (
        "TTB writes while masters translate are not audited",
        "        if (running & translating) {",
        "        if (0) {"),
    "ttb-audit-ignores-lanes": (
        "a TTB write under held lanes is audited as translating",
        "        uint32_t running = (s->reset & RESET_GLOBAL) ? s->reset & m : 0;",
        "        uint32_t running = m;"),
    "healthy-lane-reset-not-audited": (
        "the reset of a lane that did not fault is not audited",
        "    s->held_healthy |= asserted & s->mmask & ~s->faulted;",
        "    ;"),
    "untranslated-not-audited": (
        "bypassed DMA is not audited with audit-untranslated",
        "        if (s->audit_untranslated) {",
        "        if (0) {"),
    "silicon-masks-any": (
        "ivld-mask=silicon-only behaves like any",
        "        if (s->ivld_silicon_only && mask != PAGE_ADDR_MASK &&",
        "        if (0 && mask != PAGE_ADDR_MASK &&"),
    "holder-ignored": (
        "prefetch-holder: neighbours match their own address",
        "        vpn = s->prefetch_holder ? tlb[i].holder : tlb[i].vpn;",
        "        vpn = tlb[i].vpn;"),
    "distance-ignored": (
        "prefetch-distance: only PTE n+1 is fetched",
        "    for (uint32_t k = 1; k <= s->prefetch_distance; k++) {",
        "    for (uint32_t k = 1; k <= 1; k++) {"),
    "disabled-always-passes": (
        "disabled-passthrough=off still passes traffic",
        "    if (!(s->enable & 1) && !s->disabled_passthrough) {",
        "    if (0) {"),
    "err-data-always-pte": (
        "err-data-pte=off still latches the PTE",
        "            s->err_data[master] = s->err_data_pte ? r->entry : 0;",
        "            s->err_data[master] = r->entry;"),
    "lane-reset-always-flushes": (
        "lane-reset-flush=off still empties the micro TLB",
        "        if (s->lane_reset_flush) {",
        "        if (1) {"),
    "lane-reset-never-clears": (
        "lane-reset-clears-fault=on clears nothing",
        "        if (s->lane_reset_clears_fault) {",
        "        if (0) {"),
    "ro-write-not-audited": (
        "writes to read-only offsets are not audited",
        '        audit_error(s, "write 0x%08x to read-only offset 0x%03" '
        'HWADDR_PRIx',
        '        qemu_log("write 0x%08x to read-only offset 0x%03" '
        'HWADDR_PRIx'),
    "soft-reset-write-taken": (
        "writes under RESET.IOMMU_RESET take effect",
        "    if (!(s->reset & RESET_GLOBAL) && offset != REG_RESET) {",
        "    if (0) {"),
    "bypass-ignored": (
        "the BYPASS register is ignored",
        "        s->bypass = val & m;",
        "        s->bypass = 0;"),
}


def run(cmd, **kw):
    return subprocess.run(cmd, cwd=REPO, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, **kw)


def build(text):
    with open(BUILT, "w") as f:
        f.write(text)
    r = run(["ninja", "-C", QBUILD, "qemu-system-aarch64"])
    if r.returncode:
        sys.exit("qtest-mutants: build failed:\n" + r.stdout[-3000:])


def main():
    names = sys.argv[1:] or list(MUTATIONS)
    for n in names:
        if n not in MUTATIONS:
            sys.exit("qtest-mutants: no mutation %s (have: %s)"
                     % (n, " ".join(MUTATIONS)))
    if not os.path.exists(os.path.join(QBUILD, "build.ninja")):
        sys.exit("qtest-mutants: run `make emulator` first")
    original = open(OURS).read()
    qemu = os.path.join(QBUILD, "qemu-system-aarch64")
    killed = 0
    try:
        for n in names:
            what, old, new = MUTATIONS[n]
            if original.count(old) != 1:
                sys.exit("qtest-mutants: %s: the text to change is not in "
                         "the model (once)" % n)
            print("==> %s: %s" % (n, what), flush=True)
            build(original.replace(old, new))
            r = run([sys.executable, "tooling/qtest-iommu.py", "--qemu",
                     qemu])
            failed = [ln.split(" - ", 1)[1] for ln in r.stdout.splitlines()
                      if ln.startswith("not ok - ")]
            if r.returncode and failed:
                killed += 1
                print("killed %s (%s)" % (n, ", ".join(failed)))
            else:
                print("SURVIVED %s" % n)
    finally:
        print("==> restoring the model", flush=True)
        build(original)
    print("%d of %d mutations killed" % (killed, len(names)))
    return 0 if killed == len(names) else 1


if __name__ == "__main__":
    sys.exit(main())
