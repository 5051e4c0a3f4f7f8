# SPDX-License-Identifier: GPL-2.0
# Run inside gdb (gdb-multiarch -batch -x bench-profile.py vmlinux), against
# a board that waits for it (board.sh boot with BOARD_GDB=PORT): stop at the
# call of PROF_FUNC for which PROF_COND holds after PROF_SKIP such calls
# (the bench keeps the least of its repeats), step it through to its
# return one instruction at a time, and write to PROF_OUT:
#   total N            the instructions executed, callees included;
#   # by part          their sum per part of a map or unmap (PARTS below:
#                      IOMMU core, cache clean, spinlock, driver, other);
#   # by function      per function, most first;
#   # in order         the functions in the order they ran, each with the
#                      instructions of that stretch.
#
# Single steps never let a store-exclusive succeed: each step loses the
# exclusive monitor that the load-exclusive set, so a load/store-exclusive
# loop, stepped, retries for ever. So this script does each load- and
# store-exclusive itself instead of stepping it: a plain load, or a plain
# store reported as successful. The board runs one CPU with interrupts
# masked while stepping, so no one else can touch the word between the
# two. An exclusive it does not handle (a pair: ldxp, stxp) stops the
# profile with an error instead of spinning until LIMIT.
import collections
import os
import re

import gdb

MASK = (1 << 64) - 1
TYPES = {1: "unsigned char", 2: "unsigned short", 4: "unsigned int",
         8: "unsigned long"}
# groups: size suffix, data register, (store: status register,) base
LOAD_EX = re.compile(r"lda?xr(b|h)?\s+([wx]\d+),\s+\[(x\d+|sp)\]")
STORE_EX = re.compile(r"stl?xr(b|h)?\s+(w\d+),\s+([wx]\d+|[wx]zr),\s+"
                      r"\[(x\d+|sp)\]")
# any load- or store-exclusive (ldxr, ldaxp, stlxrb, ...)
EXCLUSIVE = re.compile(r"(?:ld|st)[al]?x[rp][bh]?\s")
LIMIT = 1000000
# The parts of a map or unmap, by function name.
PARTS = (("IOMMU core", re.compile(r"_*iommu_(?:map|unmap|pgsize|sync)")),
         ("cache clean",
          re.compile(r"(?:__dma_sync|dcache_clean|arch_sync_dma)")),
         ("spinlock", re.compile(r"_raw_spin")),
         ("driver", re.compile(r"sun50i_")))


def reg(name):
    return int(gdb.parse_and_eval("$" + name)) & MASK


def access_size(suffix, regname):
    return {"b": 1, "h": 2}.get(suffix or "", 4 if regname[0] == "w" else 8)


class Profile:
    def __init__(self):
        self.per_function = collections.Counter()
        self.sequence = []
        self.total = 0
        self.names = {}
        self.insns = {}

    def insn(self, pc):
        if pc not in self.insns:
            text = gdb.execute("x/i 0x%x" % pc, to_string=True)
            self.insns[pc] = text.split(":", 1)[1].strip()
        return self.insns[pc]

    def name(self, pc):
        if pc not in self.names:
            words = gdb.execute("info symbol 0x%x" % pc, to_string=True).split()
            self.names[pc] = words[0] if words and words[0] != "No" else hex(pc)
        return self.names[pc]

    def count(self, pc):
        name = self.name(pc)
        self.per_function[name] += 1
        if not self.sequence or self.sequence[-1][0] != name:
            self.sequence.append([name, 0])
        self.sequence[-1][1] += 1
        self.total += 1

    def exclusive(self, pc):
        """Do a load- or store-exclusive at @pc; False if it is neither."""
        text = self.insn(pc)
        m = LOAD_EX.match(text)
        if m:
            size = access_size(m.group(1), m.group(2))
            val = int(gdb.parse_and_eval("*(%s *)0x%x" %
                                         (TYPES[size], reg(m.group(3)))))
            gdb.execute("set $x%s = 0x%x" % (m.group(2)[1:], val))
        else:
            m = STORE_EX.match(text)
            if not m:
                if EXCLUSIVE.match(text):
                    raise gdb.GdbError("unhandled exclusive: " + text)
                return False
            src = m.group(3)
            size = access_size(m.group(1), src)
            val = 0 if src.endswith("zr") else reg("x" + src[1:])
            val &= (1 << (8 * size)) - 1
            gdb.execute("set *(%s *)0x%x = 0x%x" %
                        (TYPES[size], reg(m.group(4)), val))
            gdb.execute("set $x%s = 0" % m.group(2)[1:])
        gdb.execute("set $pc = 0x%x" % (pc + 4))
        return True

    def step_through(self):
        """Count every instruction until the current call returns."""
        ret, sp = reg("x30"), reg("sp")
        while self.total < LIMIT:
            pc = reg("pc")
            if pc == ret and reg("sp") >= sp:
                return
            self.count(pc)
            if not self.exclusive(pc):
                gdb.execute("stepi", to_string=True)
        raise gdb.GdbError("more than %d instructions" % LIMIT)

    def write(self, path):
        with open(path, "w") as f:
            f.write("total %d\n" % self.total)
            parts = collections.Counter()
            for name, n in self.per_function.items():
                part = [p for p, r in PARTS if r.match(name)]
                parts[part[0] if part else "other"] += n
            f.write("# by part\n")
            for part, n in parts.most_common():
                f.write("%7d %s\n" % (n, part))
            f.write("\n# by function\n")
            for name, n in self.per_function.most_common():
                f.write("%7d %s\n" % (n, name))
            f.write("\n# in order\n")
            for name, n in self.sequence:
                f.write("%7d %s\n" % (n, name))


def main():
    gdb.execute("set pagination off")
    gdb.execute("set confirm off")
    # gdb retries until QEMU listens.
    gdb.execute("set tcp connect-timeout 120")
    gdb.execute("target remote 127.0.0.1:%s" % os.environ["PROF_PORT"])
    gdb.execute("hbreak %s if %s" % (os.environ["PROF_FUNC"],
                                     os.environ["PROF_COND"]))
    gdb.execute("ignore 1 %d" % int(os.environ.get("PROF_SKIP", "0")))
    gdb.execute("continue")
    gdb.execute("delete")
    profile = Profile()
    profile.step_through()
    profile.write(os.environ["PROF_OUT"])
    gdb.execute("kill")


main()
