# SPDX-License-Identifier: GPL-2.0
# gnuplot -e "dir='build/bench/DATE'" tools/bench/plot.gp
set terminal pngcairo size 1100,450 font ",10"
set output dir."/bench.png"
set multiplot layout 1,2 title "mpnic against engines (veth dashed), medians"
set key below
set grid
set xlabel "engines"
set logscale x 2
set yrange [0:*]
set ylabel "Gbit/s"
set title "TCP, 16 streams, peer to host"
runs = system("awk '!/^#/ { print $1 }' ".dir."/scale.dat | sort -u")
plot for [r in runs] dir."/scale.dat" using (strcol(1) eq r ? $2 : NaN):3 with linespoints title r, \
     for [r in runs] dir."/scale.dat" using (strcol(1) eq r ? $2 : NaN):5 with lines dt 2 title r." veth"
set ylabel "Mpps"
set title "UDP 64 B received by the host"
plot for [r in runs] dir."/scale.dat" using (strcol(1) eq r ? $2 : NaN):4 with linespoints title r, \
     for [r in runs] dir."/scale.dat" using (strcol(1) eq r ? $2 : NaN):6 with lines dt 2 title r." veth"
unset multiplot
