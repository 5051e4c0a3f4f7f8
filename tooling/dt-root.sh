#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# dt-root.sh: print the path of a Debian 13 (trixie) root with the DT
# tools 7.3 asks for: dt-schema >= 2024.4 (Debian 12 has 2022.08, and the
# newer ones need Debian 13's Python libraries), yamllint, ruamel.yaml for
# 7.3's dt-check-style, and what a kernel needs to build dtc and the DTBs.
# dt-schema is sid's (2026.06): trixie-backports' 2025.08 crashes on 7.3's
# bindings (a KeyError in check_duplicate_property_types, on
# ti,pruss-intc.yaml), so processed-schema.json is never made. It is one
# Python package whose dependencies trixie has. Made once with debootstrap
# from the archive the system already uses, cached in $CACHE/roots/;
# tooling/check-dt.sh runs inside it (tooling/in-root.sh).
source "$(dirname "$0")/lib.sh"

packages=(python3-jsonschema python3-libfdt python3-rfc3987 python3-ruamel.yaml
	yamllint make gcc libc6-dev flex
	bison bc pkg-config libyaml-dev gcc-aarch64-linux-gnu ccache git)
root=$CACHE/roots/trixie-dt
stamp=$root/.ready-$(echo "${packages[*]} sid:dt-schema" | sha1sum | cut -c1-12)

if [ -f "$stamp" ]; then
	echo "$root"
	exit 0
fi
read -r uri keyring < <("$TOP/tooling/debian-apt.sh" --archive) ||
	die "cannot find the system's Debian archive"
step "making a Debian 13 root for the DT checks (once; cached in $root)" >&2
umount "$root/proc" 2>/dev/null || true
rm -rf "$root"
mkdir -p "$root"
debootstrap --variant=minbase --keyring="$keyring" trixie "$root" "$uri" \
	>"$CACHE/roots/debootstrap.log" 2>&1 ||
	die "debootstrap failed (see $CACHE/roots/debootstrap.log)"
echo "deb $uri trixie main" >"$root/etc/apt/sources.list"
cp /etc/resolv.conf "$root/etc/" 2>/dev/null || true
mount -t proc proc "$root/proc"
trap 'umount "$root/proc"' EXIT
chroot "$root" apt-get -q update >&2
DEBIAN_FRONTEND=noninteractive chroot "$root" apt-get -q install -y \
	--no-install-recommends "${packages[@]}" >&2 ||
	die "cannot install the DT tools in the Debian 13 root"
(cd "$root/tmp" && "$TOP/tooling/debian-apt.sh" sid download dt-schema) >&2 ||
	die "cannot download sid's dt-schema"
chroot "$root" sh -c 'dpkg -i /tmp/dt-schema_*.deb && rm /tmp/dt-schema_*.deb' >&2 ||
	die "cannot install sid's dt-schema in the Debian 13 root"
chroot "$root" apt-get clean
touch "$stamp"
echo "$root"
