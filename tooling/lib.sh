# SPDX-License-Identifier: GPL-2.0
# Common settings for the tooling scripts. Source it; do not run it.

set -euo pipefail

# Debian's python3 first: it is the one with the packages we install
# (python3-ply for checkpatch's SPDX check, dt-schema).
export PATH=/usr/bin:/bin:/usr/sbin:/sbin:$PATH

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# The kernel the series is for: 7.3 (the default, what the series is
# sent against) or 6.12 (the LTS backport: the same series plus the
# patches in backport/6.12/). Each base has its own tree and builds; the
# backport's outputs go to out/6.12/ and its results carry a "6.12:"
# prefix, in the one results file.
BASE=${BASE:-7.3}
case $BASE in
7.3) BASE_TAG= ;;
6.12) BASE_TAG=6.12: ;;
*) printf 'error: BASE=%s: the bases are 7.3 and 6.12\n' "$BASE" >&2; exit 1 ;;
esac
OUT=${OUT:-$TOP/out}
RESULTS=$OUT/results
[ -z "$BASE_TAG" ] || OUT=$OUT/$BASE
BUILD=${BUILD:-$TOP/build/$BASE}
# Downloads and the pristine base live outside the clone, shared by clones.
CACHE=${SUN50I_CACHE:-/var/cache/sun50i-iommu}
TREE=${TREE:-$BUILD/linux}
JOBS=${JOBS:-$(nproc)}
ARM64_CROSS=aarch64-linux-gnu-
ARM32_CROSS=arm-linux-gnueabihf-

# ccache: key on paths relative to the clone, so a clone elsewhere hits.
export CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache}
export CCACHE_BASEDIR=$TOP
export CCACHE_NOHASHDIR=1
# Kbuild passes -fmacro-prefix-map=<the tree's absolute path>/=, which
# base_dir does not rewrite: every object of a clone elsewhere missed.
# The option makes __FILE__ relative to the tree, so the object does not
# depend on its value: keep it out of the hash.
export CCACHE_IGNOREOPTIONS='-fmacro-prefix-map=*'
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-20G}
# Depend mode: a miss does not run the preprocessor a second time to hash
# its output; the compiler's own -MD list keys the entry. About 15% less
# time per missed kernel object (kernel/sched/core.o: 4.5 s -> 3.9 s).
export CCACHE_DEPEND=1
# Reproducible kernel builds: no timestamps or host names in the objects.
export KBUILD_BUILD_TIMESTAMP='Thu Jan  1 00:00:00 UTC 2026'
export KBUILD_BUILD_USER=sun50i
export KBUILD_BUILD_HOST=build

# step MSG: announce a long step; under check.sh, with the minutes since
# the check began (CHECK_T0), so a log shows where the time went.
step() {
	if [ -n "${CHECK_T0:-}" ]; then
		printf '==> [%3dm] %s\n' $((($(date +%s) - CHECK_T0) / 60)) "$*"
	else
		printf '==> %s\n' "$*"
	fi
}
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Tools whose presence on the host would change the kernel configuration
# (CONFIG_RUSTC_VERSION, CONFIG_PAHOLE_VERSION, ...), and with it every
# object: the builds never use them, so every machine configures alike and
# shares the ccache.
HOST_NEUTRAL=(RUSTC=false PAHOLE=false)

# kmake DIR ARCH CROSS ARGS...: make in the prepared tree with O=DIR.
kmake() {
	local dir=$1 arch=$2 cross=$3
	shift 3
	make -C "$TREE" O="$dir" ARCH="$arch" CROSS_COMPILE="$cross" \
		CC="ccache ${cross}gcc" HOSTCC="ccache gcc" "${HOST_NEUTRAL[@]}" \
		-j"$JOBS" "$@"
}

# kconfigure DIR ARCH CROSS FRAGMENT: allnoconfig plus FRAGMENT in DIR,
# redone when FRAGMENT changes; every option asked for must be set as
# asked (no silent fallback when a dependency is missing).
kconfigure() {
	local dir=$1 arch=$2 cross=$3 frag=$4 line
	mkdir -p "$dir"
	if [ ! -f "$dir/.config" ] || [ "$frag" -nt "$dir/.config" ]; then
		step "configuring $(basename "$dir") ($arch, allnoconfig + $(basename "$frag"))"
		kmake "$dir" "$arch" "$cross" KCONFIG_ALLCONFIG="$frag" \
			allnoconfig >/dev/null
	fi
	while read -r line; do
		case "$line" in ''|'#'*) continue ;; esac
		grep -qx "$line" "$dir/.config" ||
			die "$(basename "$dir"): $line did not stick (dependencies?)"
	done <"$frag"
}

# Check results: one line per check in $OUT/results, summarised by check.sh.
# A SKIP is a result of its own ("SKIP name: reason"), never a PASS.
result() { mkdir -p "$(dirname "$RESULTS")"; echo "$*" >>"$RESULTS"; echo "$*"; }
pass() { result "PASS $BASE_TAG$*"; }
fail() { result "FAIL $BASE_TAG$*"; }
skip() { result "SKIP $BASE_TAG$1: $2"; }
