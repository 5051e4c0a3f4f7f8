#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Fetch the base kernel ($BASE) and turn it into a cached git repository
# with one commit, the pristine base, tagged "base". Prints its path.
#
#   7.3   Debian's linux-source-7.3 (trixie-backports), downloaded with a
#         private apt configuration (tooling/debian-apt.sh)
#   6.12  Debian's linux-source-6.12, installed by tooling/deps.sh
#
# KSRC=/path/to/linux uses another tree of the same version instead (its
# committed HEAD if it is a git checkout). The commit's author and dates
# are fixed, so every machine makes the same base commit, and the
# series' "base-commit:" line is the same everywhere.
source "$(dirname "$0")/lib.sh"

mkdir -p "$CACHE/base"
if [ -n "${KSRC:-}" ]; then
	[ -f "$KSRC/Makefile" ] || die "KSRC=$KSRC is not a kernel tree"
	if git -C "$KSRC" rev-parse -q --verify HEAD >/dev/null 2>&1; then
		key=ksrc-$(git -C "$KSRC" rev-parse HEAD)
	else
		key=ksrc-$(echo "$(realpath "$KSRC")" | sha1sum | cut -c1-12)
	fi
elif [ "$BASE" = 6.12 ]; then
	tarball=$(ls /usr/src/linux-source-6.12.tar.* 2>/dev/null | head -n1) ||
		true
	[ -n "$tarball" ] || die "linux-source-6.12 is not installed (run: make deps)"
	key=debian-$(dpkg-query -W -f='${Version}' linux-source-6.12)
else
	debs=$CACHE/debs
	mkdir -p "$debs"
	deb=$(ls "$debs"/linux-source-"$BASE"_*.deb 2>/dev/null | tail -n1) || true
	if [ -z "$deb" ]; then
		step "downloading linux-source-$BASE from trixie-backports" >&2
		(cd "$debs" && "$TOP/tooling/debian-apt.sh" trixie-backports \
			download "linux-source-$BASE") >&2 ||
			die "cannot download linux-source-$BASE"
		deb=$(ls "$debs"/linux-source-"$BASE"_*.deb | tail -n1)
	fi
	key=debian-$(dpkg-deb -f "$deb" Version)
fi
repo=$CACHE/base/$BASE-$key

if [ -f "$repo/.prepared" ]; then
	echo "$repo"
	exit 0
fi

step "preparing base tree $BASE-$key (once per base; cached in $CACHE)" >&2
rm -rf "$repo"
mkdir -p "$repo"
if [ -n "${KSRC:-}" ]; then
	if git -C "$KSRC" rev-parse -q --verify HEAD >/dev/null 2>&1; then
		git -C "$KSRC" archive --format=tar HEAD | tar -x -C "$repo"
	else
		rsync -a --exclude=.git "$KSRC"/ "$repo"/
	fi
else
	if [ -z "${tarball:-}" ]; then
		step "unpacking $(basename "$deb")" >&2
		unpacked=$CACHE/base/.unpacked
		rm -rf "$unpacked"
		mkdir -p "$unpacked"
		dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$unpacked" \
			--wildcards './usr/src/linux-source-*.tar.*'
		tarball=$(ls "$unpacked"/usr/src/linux-source-*.tar.*)
	fi
	step "extracting $(basename "$tarball")" >&2
	tar -x -C "$repo" --strip-components=1 -f "$tarball"
	rm -rf "${unpacked:-}"
fi

cd "$repo"
version=$(make -s kernelversion)
[ "$(echo "$version" | cut -d. -f1-2)" = "$BASE" ] ||
	die "base is $version, need $BASE.y"
git init -q -b pristine .
git config user.name "sun50i tooling"
git config user.email "sun50i-iommu-dev@lists.example.org"
git config core.autocrlf false
step "committing the pristine base (takes a minute)" >&2
# Debian's tarball ignores everything at its top level: add by force.
git add -A -f >/dev/null
GIT_AUTHOR_DATE='2026-01-01T00:00:00Z' GIT_COMMITTER_DATE='2026-01-01T00:00:00Z' \
	git commit -q -m "Linux $version ($key)"
git tag base
git gc -q --auto
touch .prepared
echo "$repo"
