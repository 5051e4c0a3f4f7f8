#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# debian-apt.sh SUITES APT-GET-ARGS...: run apt-get against other Debian
# suites (e.g. "trixie trixie-backports") without touching the system's
# own apt configuration. The archive is the one the system already uses
# for its own release: its URI and keyring are read from the system's apt
# sources, so no mirror is named here. The private state (sources, package
# lists) lives in $CACHE/apt/<suites>; the lists are refreshed once a day.
# Example: debian-apt.sh trixie-backports download linux-source-7.3
# debian-apt.sh --archive prints that archive's URI and keyring.
source "$(dirname "$0")/lib.sh"

suites=${1:?usage: debian-apt.sh SUITES APT-GET-ARGS... | --archive}
shift

# The system's own archive: "URI KEYRING" of the deb entry for its release.
system_archive() {
	local codename
	codename=$(. /etc/os-release && echo "$VERSION_CODENAME")
	python3 - "$codename" /etc/apt/sources.list /etc/apt/sources.list.d/*.sources \
		/etc/apt/sources.list.d/*.list <<'PY'
import glob, re, sys
codename, paths = sys.argv[1], sys.argv[2:]
for path in paths:
    try:
        text = open(path).read()
    except OSError:
        continue
    if path.endswith(".sources"):
        for stanza in re.split(r"\n\s*\n", text):
            f = {}
            for line in stanza.splitlines():
                m = re.match(r"^([A-Za-z-]+):\s*(.*)$", line)
                if m and not line.startswith("#"):
                    f[m.group(1).lower()] = m.group(2).split()
            if ("deb" in f.get("types", []) and codename in f.get("suites", [])
                    and "main" in f.get("components", [])):
                key = (f.get("signed-by") or ["/usr/share/keyrings/debian-archive-keyring.gpg"])[0]
                print(f["uris"][0], key)
                sys.exit(0)
    else:
        for line in text.splitlines():
            m = re.match(r"^deb\s+(?:\[[^]]*\]\s+)?(\S+)\s+(\S+)\s+(.*)$", line)
            if m and m.group(2) == codename and "main" in m.group(3).split():
                print(m.group(1), "/usr/share/keyrings/debian-archive-keyring.gpg")
                sys.exit(0)
sys.exit("no deb entry for %s main in the system's apt sources" % codename)
PY
}

read -r uri keyring < <(system_archive) || die "cannot find the system's Debian archive"
if [ "$suites" = --archive ]; then
	echo "$uri $keyring"
	exit 0
fi
dir=$CACHE/apt/${suites// /+}
mkdir -p "$dir/lists/partial" "$dir/archives/partial"
for suite in $suites; do
	echo "deb [signed-by=$keyring] $uri $suite main"
	echo "deb-src [signed-by=$keyring] $uri $suite main"
done >"$dir/sources.list.new"
# The archive may be a snapshot older than a suite's Valid-Until (sid's
# Release expires within days): accept it; its signature is still checked.
opts=(-o "Dir::Etc::sourcelist=$dir/sources.list" -o APT::Sandbox::User=root
	-o Acquire::Check-Valid-Until=false
	-o Dir::Etc::sourceparts=/dev/null
	-o "Dir::State::Lists=$dir/lists"
	-o "Dir::Cache::archives=$dir/archives"
	-o "Dir::Cache::pkgcache=$dir/pkgcache.bin"
	-o "Dir::Cache::srcpkgcache=$dir/srcpkgcache.bin"
	-o APT::Get::List-Cleanup=0)
if ! cmp -s "$dir/sources.list.new" "$dir/sources.list" ||
	[ -z "$(find "$dir/lists" -maxdepth 1 -name '*Packages*' -mtime -1)" ]; then
	mv "$dir/sources.list.new" "$dir/sources.list"
	step "updating the package lists of $suites" >&2
	apt-get -q "${opts[@]}" update >&2 ||
		die "apt-get update for $suites failed"
fi
rm -f "$dir/sources.list.new"
apt-get "${opts[@]}" "$@"
