# SPDX-License-Identifier: GPL-2.0
# The plots of make bench, from the data bench-report.py wrote into the
# current directory: cost.png (instructions against size, log-log, for
# ours, mainline and the floor) and memory.png (table memory along the
# map/unmap workload).
set terminal pngcairo size 1200,500 font ",10" noenhanced
set output "cost.png"
set multiplot layout 1,2
set logscale xy
set grid
set key top left
set xlabel "bytes mapped"
set ylabel "guest instructions"
set format x "%.0s%cB"
do for [op in "iommu_map iommu_unmap"] {
	set title op." + sync"
	plot "cost-".op.".dat" using 1:2 with linespoints title "ours", \
	     "" using 1:3 with linespoints title "mainline", \
	     "" using 1:4 with linespoints dashtype 2 title "floor"
}
unset multiplot

set output "memory.png"
set terminal pngcairo size 800,500 font ",10" noenhanced
unset logscale
set format x "%g"
set title "table memory: 32 maps of 8 MiB, then 32 unmaps"
set xlabel "step"
set ylabel "KiB"
set key top right
plot "trace-ours.dat" using 1:($2/1024) with steps title "ours", \
     "trace-mainline.dat" using 1:($2/1024) with steps title "mainline"
