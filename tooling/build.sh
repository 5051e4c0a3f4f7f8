#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Kernel builds in the prepared tree, each in its own O= directory.
#
#   build.sh image          arm64 Image, modules and the H6/H616 DTBs
#   build.sh warnings       W=1 and sparse on our objects (arm64)
#   build.sh compile-test A COMPILE_TEST build of our objects, A = x86_64|arm
source "$(dirname "$0")/lib.sh"

arm64_dtbs() {
	(cd "$TREE/arch/arm64/boot/dts" &&
		ls allwinner/sun50i-h6-*.dts allwinner/sun50i-h616-*.dts) |
		sed 's/\.dts$/.dtb/'
}

# sparse_kmake DIR ARCH CROSS OBJ...: W=1 and sparse (C=2: every named
# object, built or not); fails unless sparse really checked each source,
# since kbuild only warns when it finds no usable sparse.
sparse_kmake() {
	local dir=$1 arch=$2 cross=$3 log obj sparse
	shift 3
	sparse=$("$TOP/tooling/sparse.sh") || die "no sparse to check with"
	log=$(mktemp)
	kmake "$dir" "$arch" "$cross" W=1 C=2 CHECK="$sparse" "$@" 2>&1 |
		tee "$log"
	for obj in "$@"; do
		grep -Eq "^  CHECK +(.*/)?${obj%.o}\.c\$" "$log" || {
			rm -f "$log"
			die "sparse did not check ${obj%.o}.c"
		}
	done
	rm -f "$log"
}

case ${1:-} in
image)
	dir=$BUILD/arm64
	kconfigure "$dir" arm64 "$ARM64_CROSS" "$TOP/tooling/configs/arm64.config"
	step "building the arm64 Image and DTBs in $dir"
	kmake "$dir" arm64 "$ARM64_CROSS" Image $(arm64_dtbs)
	mkdir -p "$OUT/dtbs"
	cp "$dir/arch/arm64/boot/Image" "$OUT/Image"
	for dtb in $(arm64_dtbs); do
		cp "$dir/arch/arm64/boot/dts/$dtb" "$OUT/dtbs/"
	done
	;;
warnings)
	dir=$BUILD/arm64
	kconfigure "$dir" arm64 "$ARM64_CROSS" "$TOP/tooling/configs/arm64.config"
	step "W=1 and sparse on drivers/iommu/sun50i-iommu.o"
	sparse_kmake "$dir" arm64 "$ARM64_CROSS" drivers/iommu/sun50i-iommu.o
	;;
compile-test)
	arch=${2:?arch}
	case $arch in
	x86_64) cross= ;;
	arm) cross=$ARM32_CROSS ;;
	*) die "unknown arch $arch" ;;
	esac
	dir=$BUILD/compile-test-$arch
	kconfigure "$dir" "$arch" "$cross" "$TOP/tooling/configs/compile-test.config"
	step "COMPILE_TEST build of our objects for $arch (W=1, sparse)"
	sparse_kmake "$dir" "$arch" "$cross" drivers/iommu/sun50i-iommu.o \
		drivers/iommu/sun50i-iommu-test.o
	;;
*)
	die "usage: build.sh image|warnings|compile-test ARCH"
	;;
esac
