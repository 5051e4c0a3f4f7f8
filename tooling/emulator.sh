#!/bin/bash
# Build qemu-system-aarch64 with the sun50i-h6-iommu-testbed machine from
# Debian's own QEMU source package plus the files under emulator/.
#
#   tooling/emulator.sh            full pipeline (idempotent)
#   tooling/emulator.sh --fetch-only   stop once the Debian source is extracted
#   SUN50I_CACHE=/path ...         where the Debian source is cached
#                                  (default /var/cache/sun50i-iommu)
#   JOBS=N                         ninja parallelism (default 2)
#   NICE=N                         niceness of the build (default 10)
#
# Result: out/qemu-system-aarch64
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${SUN50I_CACHE:-/var/cache/sun50i-iommu}
SRC_CACHE=$CACHE/qemu-src
BUILD=$REPO/build
STAGE=$BUILD/qemu-stage
QSRC=$BUILD/qemu-src
QBUILD=$BUILD/qemu-build
OUT=$REPO/out
JOBS=${JOBS:-2}
NICE=${NICE:-10}

say() { printf '==> %s\n' "$*"; }
die() { printf 'emulator.sh: error: %s\n' "$*" >&2; exit 1; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# ---------------------------------------------------------------- 1. apt
have_deb_src() {
    local f
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -r "$f" ] && grep -Eq '^[[:space:]]*deb-src[[:space:]]' "$f" && return 0
    done
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -r "$f" ] && grep -Eiq '^Types:.*deb-src' "$f" && return 0
    done
    return 1
}

# Emit deb-src stanzas derived from the configured "Types: deb" entries of
# the Debian deb822 sources file and from one-line "deb" entries.
derive_deb_src() {
    local f
    f=/etc/apt/sources.list.d/debian.sources
    if [ -r "$f" ]; then
        awk '
            function flush() {
                if (isdeb && n) { print "Types: deb-src"; for (i = 1; i <= n; i++) print keep[i]; print "" }
                n = 0; isdeb = 0; enabled = 1
            }
            BEGIN { n = 0; isdeb = 0 }
            /^[[:space:]]*$/ { flush(); next }
            /^#/ { next }
            /^Types:/ { if ($0 ~ /(^|[ \t:])deb([ \t]|$)/) isdeb = 1; next }
            /^Enabled:[[:space:]]*(no|false)/ { isdeb = 0; next }
            { keep[++n] = $0 }
            END { flush() }
        ' "$f"
    fi
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -r "$f" ] || continue
        awk '/^[[:space:]]*deb[[:space:]]/ && /debian/ {
                 sub(/^[[:space:]]*deb/, ""); l = $0
                 print "Types: deb-src"
                 if (match(l, /^[[:space:]]*\[[^]]*\]/)) {
                     opt = substr(l, RSTART, RLENGTH); l = substr(l, RSTART + RLENGTH)
                     if (match(opt, /signed-by=[^] ]*/)) print "Signed-By: " substr(opt, RSTART + 10, RLENGTH - 10)
                 }
                 split(l, w, /[[:space:]]+/); k = 0
                 for (i in w) if (w[i] != "") a[++k] = w[i]
                 printf "URIs: %s\nSuites: %s\nComponents:", a[1], a[2]
                 for (i = 3; i <= k; i++) printf " %s", a[i]
                 printf "\n\n"; delete a; delete w
             }' "$f"
    done
}

PKGS="dpkg-dev build-essential ccache ninja-build meson pkg-config python3 python3-venv
      libglib2.0-dev libpixman-1-dev libfdt-dev zlib1g-dev flex bison patch"

setup_apt() {
    local updated=0 missing=() p
    if ! have_deb_src; then
        local stanzas
        stanzas=$(derive_deb_src)
        [ -n "$stanzas" ] || die "no Debian 'deb' entries found to derive deb-src from"
        say "enabling deb-src (derived from the configured Debian sources)"
        printf '# Written by sun50i tooling/emulator.sh: deb-src twins of the deb entries\n%s\n' \
            "$stanzas" | as_root tee /etc/apt/sources.list.d/sun50i-deb-src.sources >/dev/null
        as_root apt-get update -qq
        updated=1
    fi
    for p in $PKGS; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        say "installing build dependencies: ${missing[*]}"
        [ $updated = 1 ] || as_root apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive \
            apt-get install -y --no-install-recommends "${missing[@]}"
    else
        say "build dependencies present"
    fi
}

# ---------------------------------------------------------------- 2. source
PRISTINE=
fetch_source() {
    mkdir -p "$SRC_CACHE"
    local dsc
    dsc=$(ls "$SRC_CACHE"/qemu_*.dsc 2>/dev/null | sort -V | tail -n1 || true)
    if [ -z "$dsc" ]; then
        say "downloading Debian's qemu source package into $SRC_CACHE"
        if ! (cd "$SRC_CACHE" && apt-get source --download-only qemu); then
            say "apt-get source failed; refreshing the package lists once"
            as_root apt-get update -qq
            (cd "$SRC_CACHE" && apt-get source --download-only qemu) ||
                die "apt-get source qemu failed (is deb-src enabled?)"
        fi
        dsc=$(ls "$SRC_CACHE"/qemu_*.dsc | sort -V | tail -n1)
    else
        say "using cached $(basename "$dsc")"
    fi
    PRISTINE=$SRC_CACHE/$(basename "$dsc" .dsc)
    if [ ! -f "$PRISTINE/.sun50i-extracted" ]; then
        say "extracting $(basename "$dsc") (dpkg-source -x, applies Debian's patches)"
        rm -rf "$PRISTINE"
        (cd "$SRC_CACHE" && dpkg-source -x "$(basename "$dsc")" "$PRISTINE") >/dev/null
        touch "$PRISTINE/.sun50i-extracted"
    fi
}

# ---------------------------------------------------------------- 3. tree
# build/qemu-src is a copy of the pristine Debian tree, made once. On every
# run only the files we own are recomputed: each file that emulator/qemu
# provides or a patch touches is rebuilt in a small scratch stage (pristine
# copy + our file + patches) and copied into build/qemu-src only if its
# content differs, so unchanged files keep their mtimes and ninja rebuilds
# just what we touched. Files we stopped touching are restored.
touched_files() {
    (cd "$REPO/emulator/qemu" && find . -type f | sed 's|^\./||')
    local p
    for p in "$REPO"/emulator/patches/*.patch; do
        [ -e "$p" ] || continue
        sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' "$p"
    done
}

prepare_tree() {
    local stamp="$QSRC/.sun50i-pristine" manifest="$BUILD/qemu-src.touched"
    local f p n=0
    say "preparing source tree (pristine + emulator/qemu + emulator/patches)"
    mkdir -p "$BUILD"
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$PRISTINE" ]; then
        say "copying the pristine tree to $QSRC"
        rm -rf "$QSRC" "$manifest"
        cp -a "$PRISTINE" "$QSRC.tmp"
        rm -f "$QSRC.tmp/.sun50i-extracted"
        mv "$QSRC.tmp" "$QSRC"
        echo "$PRISTINE" > "$stamp"
    fi
    rm -rf "$STAGE"
    mkdir -p "$STAGE"
    touched_files | sort -u > "$STAGE.list"
    while read -r f; do
        if [ -f "$PRISTINE/$f" ]; then
            mkdir -p "$STAGE/$(dirname "$f")"
            cp "$PRISTINE/$f" "$STAGE/$f"
        fi
    done < "$STAGE.list"
    cp -r "$REPO/emulator/qemu/." "$STAGE/"
    for p in "$REPO"/emulator/patches/*.patch; do
        [ -e "$p" ] || continue
        patch -s -p1 -d "$STAGE" --no-backup-if-mismatch -r - < "$p" \
            || die "patch $(basename "$p") does not apply"
    done
    while read -r f; do
        if ! cmp -s "$STAGE/$f" "$QSRC/$f"; then
            mkdir -p "$QSRC/$(dirname "$f")"
            cp "$STAGE/$f" "$QSRC/$f"
            n=$((n + 1))
        fi
    done < "$STAGE.list"
    # Files an earlier run touched that we no longer own: back to pristine
    if [ -f "$manifest" ]; then
        while read -r f; do
            grep -qxF "$f" "$STAGE.list" && continue
            if [ -f "$PRISTINE/$f" ]; then
                cmp -s "$PRISTINE/$f" "$QSRC/$f" || { cp "$PRISTINE/$f" "$QSRC/$f"; n=$((n + 1)); }
            else
                rm -f "$QSRC/$f"; n=$((n + 1))
            fi
        done < "$manifest"
    fi
    mv "$STAGE.list" "$manifest"
    rm -rf "$STAGE"
    say "source tree up to date ($n file(s) changed)"
}

# ---------------------------------------------------------------- 4. configure
CONFIGURE_ARGS=(
    --target-list=aarch64-softmmu
    --without-default-devices
    --with-devices-aarch64=sun50i-h6-iommu-testbed
    --without-default-features
    --enable-tcg
    --enable-fdt=system
    --disable-docs
    --disable-tools
    --disable-guest-agent
    --disable-werror
    --disable-debug-info
    --disable-install-blobs
    --disable-qom-cast-debug
    --enable-trace-backends=log
)

setup_ccache() {
    export CCACHE_BASEDIR=$REPO
    export CCACHE_NOHASHDIR=1          # hash_dir = false
    export CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache}
    export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-20G}  # as lib.sh: a smaller limit would evict the kernels
    export CCACHE_DEPEND=1             # as in lib.sh: no second preprocessing
    export CCACHE_SLOPPINESS=${CCACHE_SLOPPINESS:-include_file_mtime,include_file_ctime,time_macros}
    mkdir -p "$CCACHE_DIR"
}

configure() {
    local want have=
    want=$(printf '%s\n' "${CONFIGURE_ARGS[@]}" "cc=ccache gcc" "src=$QSRC" | sha256sum | cut -c1-16)
    [ -f "$QBUILD/.sun50i-config" ] && have=$(cat "$QBUILD/.sun50i-config")
    if [ -f "$QBUILD/build.ninja" ] && [ "$want" = "$have" ]; then
        say "already configured ($QBUILD)"
        return
    fi
    say "configuring QEMU (aarch64-softmmu, board-only device set)"
    rm -rf "$QBUILD"
    mkdir -p "$QBUILD"
    local t0
    t0=$(now)
    (cd "$QBUILD" && nice -n "$NICE" "$QSRC/configure" --cc="ccache gcc" \
        "${CONFIGURE_ARGS[@]}" > configure.log 2>&1) || {
        tail -n 40 "$QBUILD/configure.log" >&2; die "configure failed (see $QBUILD/configure.log)"; }
    echo "$want" > "$QBUILD/.sun50i-config"
    say "configure took $(elapsed "$t0") s"
}

# ---------------------------------------------------------------- 5. build
build() {
    local t0
    t0=$(now)
    say "building qemu-system-aarch64 (ninja -j$JOBS)"
    # (progress lines "[n/m] ..." are dropped; errors and warnings shown)
    if ! nice -n "$NICE" ninja -C "$QBUILD" -j"$JOBS" qemu-system-aarch64 2>&1 \
            | { grep -v '^\[' || true; }; then
        die "build failed"
    fi
    mkdir -p "$OUT"
    if ! cmp -s "$QBUILD/qemu-system-aarch64" "$OUT/qemu-system-aarch64"; then
        cp "$QBUILD/qemu-system-aarch64" "$OUT/qemu-system-aarch64.tmp"
        mv "$OUT/qemu-system-aarch64.tmp" "$OUT/qemu-system-aarch64"
    fi
    say "build took $(elapsed "$t0") s"
    say "done: $OUT/qemu-system-aarch64"
}

T_ALL=$(now)
setup_apt
fetch_source
if [ "${1:-}" = --fetch-only ]; then say "source ready in $PRISTINE"; exit 0; fi
prepare_tree
setup_ccache
configure
build
say "total $(elapsed "$T_ALL") s"
