#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Strip mainline's Allwinner sun50i IOMMU support from a Linux 6.12.y tree.

Usage: remove-mainline.py TREE

Edits TREE in place so that our own driver and binding can be applied on
top of it.  Everything is matched by structure, not by line number.  All
edits are computed first; if anything expected is missing the tree is left
untouched and the script exits non-zero.  A tree that was already
processed (or that already carries our series) is refused.
"""

import os
import re
import sys

DRIVER = "drivers/iommu/sun50i-iommu.c"
BINDING = ("Documentation/devicetree/bindings/iommu/"
           "allwinner,sun50i-h6-iommu.yaml")
KCONFIG = "drivers/iommu/Kconfig"
MAKEFILE = "drivers/iommu/Makefile"
DTS_DIR = "arch/arm64/boot/dts/allwinner"
# dtsi files that must contain the IOMMU node, with its expected compatible
NODE_DTSI = {
    DTS_DIR + "/sun50i-h6.dtsi": "allwinner,sun50i-h6-iommu",
    DTS_DIR + "/sun50i-h616.dtsi": "allwinner,sun50i-h616-iommu",
}
# Strings found only in mainline's files; ours never contain them.
DRIVER_MARK = 'MODULE_AUTHOR("Maxime Ripard'
BINDING_MARK = "Maxime Ripard"

SYMBOL = "SUN50I_IOMMU"

# "iommu: iommu@30f0000 { ... };" at any indentation, with the blank line
# that follows it.
NODE_RE = re.compile(r"^(?P<ind>[ \t]*)iommu:[ \t]*iommu@30f0000[ \t]*\{[ \t]*\n"
                     r"(?P<body>.*?)^(?P=ind)\};[ \t]*\n(?:[ \t]*\n)?",
                     re.M | re.S)
# One "iommus = ...;" property, possibly spanning several lines.
IOMMUS_RE = re.compile(r"^[ \t]*iommus[ \t]*=(?P<val>[^;]*);[ \t]*\n", re.M)
PHANDLE_RE = re.compile(r"<\s*&([\w-]+)")
IOMMU_REF_RE = re.compile(r"&iommu\b")
MAKE_RE = re.compile(r"^obj-\$\(CONFIG_%s\)[ \t]*\+=[ \t]*sun50i-iommu\.o[ \t]*\n"
                     % SYMBOL, re.M)
DEFCONFIG_RE = re.compile(r"^(?:CONFIG_%s=.*|# CONFIG_%s is not set)\n"
                          % (SYMBOL, SYMBOL), re.M)


class Fail(Exception):
    pass


def read(tree, rel):
    path = os.path.join(tree, rel)
    if not os.path.isfile(path):
        raise Fail("%s: file not found" % rel)
    with open(path, encoding="utf-8") as f:
        return f.read()


def check_tree(tree):
    """Refuse anything but an unprocessed 6.12.y tree."""
    head = read(tree, "Makefile")
    ver = dict(re.findall(r"^(VERSION|PATCHLEVEL) = (\d+)$", head, re.M))
    if (ver.get("VERSION"), ver.get("PATCHLEVEL")) != ("6", "12"):
        raise Fail("not a Linux 6.12.y tree (top Makefile says %s.%s)"
                   % (ver.get("VERSION"), ver.get("PATCHLEVEL")))
    if not os.path.exists(os.path.join(tree, DRIVER)):
        raise Fail("%s is absent: tree already processed? refusing" % DRIVER)
    if DRIVER_MARK not in read(tree, DRIVER):
        raise Fail("%s is not mainline's driver (our series already "
                   "applied?); refusing" % DRIVER)
    if BINDING_MARK not in read(tree, BINDING):
        raise Fail("%s is not mainline's binding; refusing" % BINDING)


def strip_kconfig(text):
    """Drop the 'config SUN50I_IOMMU' entry up to the next top-level line."""
    lines = text.splitlines(keepends=True)
    starts = [i for i, l in enumerate(lines) if l.rstrip() == "config " + SYMBOL]
    if len(starts) != 1:
        raise Fail("%s: expected one 'config %s', found %d"
                   % (KCONFIG, SYMBOL, len(starts)))
    end = starts[0] + 1
    while end < len(lines) and (not lines[end].strip() or lines[end][0] in " \t"):
        end += 1
    out = "".join(lines[:starts[0]] + lines[end:])
    if re.search(r"\b%s\b" % SYMBOL, out):
        raise Fail("%s: %s is still referenced after removing its entry"
                   % (KCONFIG, SYMBOL))
    return out


def strip_makefile(text):
    out, n = MAKE_RE.subn("", text)
    if n != 1:
        raise Fail("%s: expected one sun50i-iommu.o line, found %d" % (MAKEFILE, n))
    return out


def strip_iommus(rel, text):
    """Remove every iommus property that points at &iommu; return (text, n)."""
    removed = []

    def drop(m):
        targets = set(PHANDLE_RE.findall(m.group("val")))
        if "iommu" not in targets:
            return m.group(0)
        if targets != {"iommu"}:
            raise Fail("%s: iommus mixes &iommu with other IOMMUs: %s"
                       % (rel, m.group(0).strip()))
        removed.append(m.group(0))
        return ""
    return IOMMUS_RE.sub(drop, text), len(removed)


def strip_node(rel, text, compatible):
    nodes = list(NODE_RE.finditer(text))
    if len(nodes) != 1:
        raise Fail("%s: expected one 'iommu: iommu@30f0000' node, found %d"
                   % (rel, len(nodes)))
    if '"%s"' % compatible not in nodes[0].group("body"):
        raise Fail("%s: iommu@30f0000 node is not %s" % (rel, compatible))
    return text[:nodes[0].start()] + text[nodes[0].end():]


def plan(tree):
    """Return {relative path: new text, or None to delete}, plus a log."""
    edits, log = {}, []
    edits[DRIVER] = edits[BINDING] = None
    log += ["delete " + DRIVER, "delete " + BINDING]
    edits[KCONFIG] = strip_kconfig(read(tree, KCONFIG))
    log.append("%s: removed 'config %s'" % (KCONFIG, SYMBOL))
    edits[MAKEFILE] = strip_makefile(read(tree, MAKEFILE))
    log.append("%s: removed sun50i-iommu.o" % MAKEFILE)

    users = {}
    for name in sorted(os.listdir(os.path.join(tree, DTS_DIR))):
        rel = DTS_DIR + "/" + name
        if not name.endswith((".dts", ".dtsi")):
            continue
        text = read(tree, rel)
        new = text
        if rel in NODE_DTSI:
            new = strip_node(rel, new, NODE_DTSI[rel])
            log.append("%s: removed iommu@30f0000 node" % rel)
        new, n = strip_iommus(rel, new)
        users[name] = n
        if n:
            log.append("%s: removed %d iommus propert%s"
                       % (rel, n, "y" if n == 1 else "ies"))
        left = IOMMU_REF_RE.search(new)
        if left:
            line = new[:left.start()].count("\n") + 1
            raise Fail("%s:%d: unhandled reference to &iommu" % (rel, line))
        if new != text:
            edits[rel] = new
    for rel in NODE_DTSI:
        if os.path.basename(rel) not in users:
            raise Fail("%s: file not found" % rel)
    if not users.get("sun50i-h6.dtsi"):
        raise Fail("%s/sun50i-h6.dtsi: no iommus = <&iommu N> users found"
                   % DTS_DIR)

    # Optional: MAINTAINERS lines naming the removed files, defconfig lines.
    text = read(tree, "MAINTAINERS")
    new = "".join(l for l in text.splitlines(keepends=True)
                  if DRIVER not in l and BINDING not in l)
    if new != text:
        edits["MAINTAINERS"] = new
        log.append("MAINTAINERS: removed %d line(s)"
                   % (text.count("\n") - new.count("\n")))
    for arch in sorted(os.listdir(os.path.join(tree, "arch"))):
        cfgdir = os.path.join("arch", arch, "configs")
        if not os.path.isdir(os.path.join(tree, cfgdir)):
            continue
        for name in sorted(os.listdir(os.path.join(tree, cfgdir))):
            rel = os.path.join(cfgdir, name)
            if not os.path.isfile(os.path.join(tree, rel)):
                continue
            text = read(tree, rel)
            new, n = DEFCONFIG_RE.subn("", text)
            if n:
                edits[rel] = new
                log.append("%s: removed CONFIG_%s" % (rel, SYMBOL))
    return edits, log


def apply(tree, edits):
    for rel, text in edits.items():
        path = os.path.join(tree, rel)
        if text is None:
            os.remove(path)
            continue
        # Write a new file and rename it over the old one: atomic, and safe
        # for trees made with "cp -al" (the hard link is broken, not written).
        tmp = path + ".remove-mainline.tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(tmp, os.stat(path).st_mode & 0o7777)
        os.replace(tmp, path)


def main(argv):
    if len(argv) != 2 or argv[1].startswith("-"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    tree = argv[1]
    try:
        check_tree(tree)
        edits, log = plan(tree)
    except (Fail, OSError, UnicodeDecodeError) as e:
        print("remove-mainline: error: %s" % e, file=sys.stderr)
        print("remove-mainline: tree left unchanged", file=sys.stderr)
        return 1
    apply(tree, edits)
    for line in log:
        print("remove-mainline: " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
