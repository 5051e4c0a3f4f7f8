# Board-only device set for the sun50i-h6-iommu-testbed machine
# (used with --without-default-devices --with-devices-aarch64=sun50i-h6-iommu-testbed).
# Everything else the board needs is pulled in by Kconfig "select".
CONFIG_SUN50I_H6_IOMMU_TESTBED=y

# QEMU 7.2's TCG translator for target/arm always links the M-profile
# helpers, which need the v7-M NVIC ("default y if TCG" is ignored
# without default devices).
CONFIG_ARM_V7M=y
