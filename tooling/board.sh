#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The emulated board (QEMU machine sun50i-h6-iommu-testbed): build what a
# boot needs, and boot it.
#
#   board.sh build [ours|mainline|mainline-fixed|nopm|mainline-nopm]
#       the kernel (ours: tooling/build.sh image; mainline: the tree's
#       `base` tag in a worktree build/linux-mainline, built in
#       build/arm64-mainline with the same config fragment;
#       mainline-fixed: the same worktree and build dir, with the stable
#       fixes of stable/ applied for the build; nopm and
#       mainline-nopm: the same trees without CONFIG_PM, in
#       build/arm64-nopm and build/arm64-mainline-nopm; bench and
#       mainline-bench: without debug options, for make bench), the board DTB
#       against that tree's sun50i-h6.dtsi, the e2e test module, the static
#       /init and drm-flip, and the initramfs with the guest scripts
#       (e2e/guest/*.e2e)
#       -> out/board[-mainline[-fixed]][-nopm]/
#   board.sh boot VARIANT SCRIPT LOGDIR [TIMEOUT]
#       boot once, running e2e/guest/SCRIPT.e2e; the console goes to
#       LOGDIR/console.log (and to stdout with BOARD_TEE=1), QEMU's guest
#       errors (the IOMMU model's fault and audit lines) and its power
#       trace (bus clock and reset) to LOGDIR/qemu.log. The model keeps
#       its TLBs across reset (caches-survive-reset, an open question of
#       the hardware reference): the driver must flush after power-on.
#       Exits 124 if the guest did not power off within TIMEOUT seconds.
#       BOARD_SOC=h616 boots the H616's IOMMU (7 masters, its reset values,
#       range invalidation) with board-h616.dtb; BOARD_DMAS=4 describes
#       PL330 #2 and #3 (masters 2 and 5) in the DT too; BOARD_GLOBALS=
#       "PROP=VALUE ..." sets properties of the IOMMU model
#       (emulator/README.md). BOARD_ICOUNT=1 counts instructions (-icount
#       shift=0,sleep=off) and has Linux bring up one CPU only (maxcpus=1:
#       the same count on every boot; QEMU with -smp 1 hangs 7.3's dw8250
#       probe), BOARD_APPEND adds to the kernel command line.
#       BOARD_DISPLAY=1 boots the display path (QEMU's display=on,
#       board-h6-display.dtb; the mixer's trace in qemu.log).
#       BOARD_QMP=SOCKET opens QEMU's QMP on that UNIX socket
#       (tooling/screendump.py).
#       BOARD_GDB=PORT starts the board stopped, for gdb on 127.0.0.1:PORT
#       (tooling/bench-profile.sh).
#   board.sh vmlinux VARIANT
#       prints the path of the variant's vmlinux, for gdb
#
# TREE, BUILD and OUT (lib.sh) and QEMU may point elsewhere, e.g. to run
# the suite on a scratch copy of the tree:
#   QEMU=out/qemu-system-aarch64 TREE=$PWD/build/linux-scratch \
#   BUILD=$PWD/build/scratch OUT=$PWD/out/scratch tooling/e2e.sh
source "$(dirname "$0")/lib.sh"

# tooling/emulator.sh builds it into the clone's out/, whatever the base.
QEMU=${QEMU:-$TOP/out/qemu-system-aarch64}
NICE=${NICE:-10}

variant_vars() {
	variant=$1
	case $1 in
	ours)
		vtree=$TREE
		kdir=$BUILD/arm64
		bdir=$OUT/board
		image=$OUT/Image
		;;
	mainline | mainline-fixed)
		# One worktree and build dir for both: with the fix applied
		# or taken out again, only the driver's object is rebuilt.
		vtree=$BUILD/linux-mainline
		kdir=$BUILD/arm64-mainline
		bdir=$OUT/board-$1
		image=$bdir/Image
		;;
	nopm | mainline-nopm | bench | mainline-bench)
		vtree=$TREE
		[ "${1#mainline-}" = "$1" ] || vtree=$BUILD/linux-mainline
		kdir=$BUILD/arm64-$1
		bdir=$OUT/board-$1
		image=$bdir/Image
		;;
	*) die "variant must be ours, mainline, mainline-fixed, nopm, mainline-nopm, bench or mainline-bench, not '$1'" ;;
	esac
}

# The mainline tree: a worktree of $TREE at the tag `base`.
mainline_tree() {
	[ -d "$TREE/.git" ] || "$TOP/tooling/prepare-tree.sh"
	if [ ! -e "$vtree/.git" ]; then
		step "worktree of the base (mainline driver and DT) in $vtree"
		rm -rf "$vtree"
		git -C "$TREE" worktree prune
		git -C "$TREE" worktree add -q --detach "$vtree" refs/tags/base
	fi
	# Exactly the base, whatever happened to the worktree.
	git -C "$vtree" checkout -q --detach refs/tags/base
	git -C "$vtree" reset -q --hard refs/tags/base
	# mainline-fixed: the base with the stable fixes for its driver.
	if [ "$variant" = mainline-fixed ]; then
		local fix
		for fix in "$TOP"/stable/[0-9][0-9][0-9][0-9]-*/kernel.patch; do
			git -C "$vtree" apply "$fix" ||
				die "$fix does not apply to the base"
		done
	fi
}

# What only the display and video cases use: the DRM, media and staging
# drivers, and the display path's fbdev console, DE2 clocks and bus, and
# the syscon its SRAM claim needs.
DISPLAY_VIDEO='CONFIG_(DRM|MEDIA|V4L|VIDEO|STAGING)[A-Z0-9_]*=y|CONFIG_(FB|FRAMEBUFFER_CONSOLE|SUN8I_DE2_CCU|SUN50I_DE2_BUS|MFD_SYSCON)=y'

# filtered_image WHAT ERE [LINE]: the fragment less the lines matching
# ERE, plus LINE, configured in $kdir; then $CHECK on the .config, if the
# caller set it; then the Image.
filtered_image() {
	local what=$1 frag=$kdir.config
	mkdir -p "$bdir" "$kdir"
	grep -vxE "$2" "$TOP/tooling/configs/arm64.config" >"$frag.new"
	[ -z "${3:-}" ] || echo "$3" >>"$frag.new"
	# Rewritten only on change: kconfigure redoes the config when it is newer.
	cmp -s "$frag.new" "$frag" || mv "$frag.new" "$frag"
	rm -f "$frag.new"
	TREE=$vtree kconfigure "$kdir" arm64 "$ARM64_CROSS" "$frag"
	[ -z "${CHECK:-}" ] || $CHECK "$kdir/.config"
	step "building the $what arm64 Image in $kdir"
	TREE=$vtree kmake "$kdir" arm64 "$ARM64_CROSS" Image
	cp "$kdir/arch/arm64/boot/Image" "$image"
}

no_config_pm() {
	! grep -q '^CONFIG_PM=y' "$1" ||
		die "$(basename "$kdir"): CONFIG_PM is still set (selected by another option)"
}

no_debug() {
	! grep -qE '^CONFIG_(DEBUG_KMEMLEAK|KUNIT|PROVE_LOCKING|DEBUG_KERNEL)=y' "$1" ||
		die "$(basename "$kdir"): a debug option is still set"
}

# The mainline kernel: the same configuration as ours, less our KUnit
# suite, which mainline does not have.
mainline_kernel() {
	filtered_image mainline 'CONFIG_SUN50I_IOMMU_KUNIT_TEST=[ym]'
}

# A kernel without CONFIG_PM: the same fragment minus the options that
# are or need power management, and minus what only other cases use (the
# display and video drivers, kmemleak, KUnit): it boots pm-disabled only,
# and is one of the longest builds of a cold run.
nopm_kernel() {
	CHECK=no_config_pm filtered_image CONFIG_PM=n \
		"CONFIG_(PM|SUSPEND|PM_DEBUG|DEBUG_KMEMLEAK|KUNIT|KUNIT_DEFAULT_ENABLED|SUN50I_IOMMU_KUNIT_TEST)=[ym]|$DISPLAY_VIDEO" \
		"# CONFIG_PM is not set"
}

# The kernel make bench measures: the same fragment without its debug
# options (kmemleak, debugfs, KUnit), and without the display and video
# drivers, which the bench does not use.
bench_kernel() {
	CHECK=no_debug filtered_image "debug-free" \
		"CONFIG_(DEBUG_[A-Z_]+|PM_DEBUG|KUNIT[A-Z_]*|SUN50I_IOMMU_KUNIT_TEST)=[ym]|$DISPLAY_VIDEO"
}

# board_dtb NAME DEFINE...: the board DTS with these cpp defines, as
# $bdir/NAME.dtb, against the tree's sun50i-h6.dtsi.
board_dtb() {
	local name=$1 inc=$vtree/arch/arm64/boot/dts/allwinner
	shift
	cpp -nostdinc -undef -D__DTS__ "$@" -x assembler-with-cpp \
		-I "$vtree/include" -I "$inc" \
		-I "$vtree/scripts/dtc/include-prefixes" \
		"$TOP/emulator/board/sun50i-h6-iommu-testbed.dts" \
		-o "$bdir/$name.dts.pp"
	# The kernel's default dtc warning set for its DTBs.
	dtc -q -I dts -O dtb -Wno-interrupt_provider -Wno-unit_address_vs_reg \
		-Wno-graph_child_address -Wno-avoid_unnecessary_addr_size \
		-Wno-unique_unit_address \
		-o "$bdir/$name.dtb" "$bdir/$name.dts.pp"
}

# build_dtb: board-h6.dtb, board-h616.dtb with the H616's IOMMU, each
# also with four PL330s (-4dma), and board-h6-display.dtb.
build_dtb() {
	local soc dmas
	local -a defs
	step "board DTBs against $(basename "$vtree")'s sun50i-h6.dtsi"
	for soc in h6 h616; do
		for dmas in 2 4; do
			defs=(-DTESTBED_$(echo "$soc" | tr a-z A-Z))
			[ "$dmas" = 2 ] || defs+=(-DTESTBED_${dmas}DMA)
			board_dtb "board-$soc$([ "$dmas" = 2 ] || echo -${dmas}dma)" \
				"${defs[@]}"
		done
	done
	# The display path, for BOARD_DISPLAY=1 boots.
	board_dtb board-h6-display -DTESTBED_H6 -DTESTBED_DISPLAY
}

build_module() {
	local mdir=$BUILD/e2e-module-$1
	step "e2e test module against $(basename "$kdir")"
	mkdir -p "$mdir"
	rsync -a "$TOP/e2e/module/" "$mdir/"
	# "modules" also writes the kernel's Module.symvers (no in-tree modules).
	TREE=$vtree kmake "$kdir" arm64 "$ARM64_CROSS" modules >/dev/null
	TREE=$vtree kmake "$kdir" arm64 "$ARM64_CROSS" -s M="$mdir" W=1 modules
	cp "$mdir/sun50i_iommu_e2e.ko" "$bdir/"
	# The driver's KUnit suite, where the tree has it (not mainline's).
	rm -f "$bdir/sun50i-iommu-test.ko"
	[ ! -f "$kdir/drivers/iommu/sun50i-iommu-test.ko" ] ||
		cp "$kdir/drivers/iommu/sun50i-iommu-test.ko" "$bdir/"
}

build_initramfs() {
	local tools=$BUILD/e2e-tools list=$bdir/initramfs.list f
	step "static /init and the initramfs"
	[ -f /usr/aarch64-linux-gnu/lib/libc.a ] ||
		die "no arm64 C library: apt-get install libc6-dev-arm64-cross"
	mkdir -p "$tools"
	"${ARM64_CROSS}gcc" -static -Os -s -Wall -Wextra -o "$bdir/init" \
		"$TOP/e2e/init/init.c"
	# The display test, against the UAPI headers of the kernel it tests.
	TREE=$vtree kmake "$kdir" arm64 "$ARM64_CROSS" headers >/dev/null
	"${ARM64_CROSS}gcc" -static -Os -s -Wall -Wextra \
		-I "$kdir/usr/include" -I "$TOP/e2e/init" -o "$bdir/drm-flip" \
		"$TOP/e2e/drm/drm-flip.c"
	[ "$tools/gen_init_cpio" -nt "$vtree/usr/gen_init_cpio.c" ] ||
		gcc -O2 -o "$tools/gen_init_cpio" "$vtree/usr/gen_init_cpio.c"
	{
		echo "dir /dev 0755 0 0"
		echo "nod /dev/console 0600 0 0 c 5 1"
		echo "dir /proc 0755 0 0"
		echo "dir /sys 0755 0 0"
		echo "dir /e2e 0755 0 0"
		echo "file /init $bdir/init 0755 0 0"
		echo "file /drm-flip $bdir/drm-flip 0755 0 0"
		echo "file /sun50i_iommu_e2e.ko $bdir/sun50i_iommu_e2e.ko 0644 0 0"
		[ ! -f "$bdir/sun50i-iommu-test.ko" ] ||
			echo "file /sun50i-iommu-test.ko $bdir/sun50i-iommu-test.ko 0644 0 0"
		for f in "$TOP"/e2e/guest/*.e2e; do
			echo "file /e2e/$(basename "$f") $f 0644 0 0"
		done
	} >"$list"
	"$tools/gen_init_cpio" "$list" >"$bdir/initramfs.cpio"
}

build() {
	variant_vars "${1:-ours}"
	# Builds share the machine: stay behind interactive work.
	renice -n "$NICE" -p $$ >/dev/null
	# Our emulator follows emulator/: a no-op build when it is current.
	[ "$QEMU" != "$TOP/out/qemu-system-aarch64" ] || "$TOP/tooling/emulator.sh"
	[ -d "$TREE/.git" ] || "$TOP/tooling/prepare-tree.sh"
	[ "$vtree" = "$TREE" ] || mainline_tree
	if [ "$1" = mainline ] || [ "$1" = mainline-fixed ]; then
		mainline_kernel
	elif [ "$1" = bench ] || [ "$1" = mainline-bench ]; then
		bench_kernel
	elif [ "$1" != ours ]; then
		nopm_kernel
	else
		"$TOP/tooling/build.sh" image
	fi
	mkdir -p "$bdir"
	build_dtb
	build_module "$1"
	build_initramfs
}

boot() {
	local script=$2 logdir=$3 timeout=${4:-300} rc=0
	variant_vars "$1"
	local soc=${BOARD_SOC:-h6} machine=sun50i-h6-iommu-testbed g dtb
	local -a globals=() icount=() control=() display=()
	dtb=board-$soc$([ "${BOARD_DMAS:-2}" = 2 ] || echo "-${BOARD_DMAS}dma").dtb
	if [ "${BOARD_DISPLAY:-0}" = 1 ]; then
		[ "$soc" = h6 ] && [ "${BOARD_DMAS:-2}" = 2 ] ||
			die "BOARD_DISPLAY=1 is the H6 with two PL330s only"
		dtb=board-h6-display.dtb
		machine+=,display=on
		display=(-trace allwinner_h6_de3_layer)
	fi
	[ "$soc" = h6 ] ||
		machine+=,iommu-num-masters=7,iommu-bypass-reset=0x7f,iommu-range-invalidation=on,iommu-prefetch-valid-fix=on,iommu-version=0x14
	for g in ${BOARD_GLOBALS:-}; do
		globals+=(-global "allwinner-h6-iommu.$g")
	done
	for f in "$QEMU" "$image" "$bdir/$dtb" "$bdir/initramfs.cpio"; do
		[ -f "$f" ] || die "$f is missing: run tooling/board.sh build $1"
	done
	[ -f "$TOP/e2e/guest/$script.e2e" ] || die "no e2e/guest/$script.e2e"
	mkdir -p "$logdir"
	rm -f "$logdir/console.log" "$logdir/qemu.log"
	set +e
	local append="e2e=$script${BOARD_APPEND:+ $BOARD_APPEND}"
	if [ "${BOARD_ICOUNT:-0}" = 1 ]; then
		icount=(-icount shift=0,sleep=off)
		append+=" maxcpus=1"
	fi
	[ -z "${BOARD_GDB:-}" ] || control=(-gdb "tcp:127.0.0.1:$BOARD_GDB" -S)
	[ -z "${BOARD_QMP:-}" ] || control+=(-qmp "unix:$BOARD_QMP,server=on,wait=off")
	timeout -k 10 "$timeout" "$QEMU" -M "$machine" -smp 2 \
		"${icount[@]}" "${control[@]}" -m 1G -kernel "$image" -dtb "$bdir/$dtb" \
		-initrd "$bdir/initramfs.cpio" \
		-append "console=ttyS0,115200 earlycon printk.devkmsg=on panic=-1 $append" \
		-display none -monitor none -serial stdio -no-reboot \
		-global allwinner-h6-iommu.caches-survive-reset=on "${globals[@]}" \
		-trace allwinner_h6_iommu_power "${display[@]}" \
		-d guest_errors -D "$logdir/qemu.log" </dev/null |
		if [ "${BOARD_TEE:-0}" = 1 ]; then
			tee "$logdir/console.log"
		else
			cat >"$logdir/console.log"
		fi
	rc=${PIPESTATUS[0]}
	set -e
	touch "$logdir/qemu.log"
	return "$rc"
}

case ${1:-} in
build) build "${2:-ours}" ;;
boot) [ $# -ge 4 ] || die "usage: board.sh boot VARIANT SCRIPT LOGDIR [TIMEOUT]"
	boot "$2" "$3" "$4" "${5:-}" ;;
vmlinux) variant_vars "${2:-ours}" && echo "$kdir/vmlinux" ;;
*) die "usage: board.sh build [ours|mainline|mainline-fixed|nopm|mainline-nopm|bench|mainline-bench] | boot VARIANT SCRIPT LOGDIR [TIMEOUT] | vmlinux VARIANT" ;;
esac
