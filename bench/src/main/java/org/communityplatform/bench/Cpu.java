package org.communityplatform.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * How much CPU the rest of the machine took while the bench measured: the machine's busy time
 * (/proc/stat) minus the bench's own processes' (this JVM with its reaped children such as wrk, the
 * platform nodes, the baseline, and the bench's PostgreSQL with its backends). Reported in cores
 * next to each figure: other engineers' builds on a 2-core machine show up there, where the load
 * average would also count the bench's own processes.
 */
final class Cpu {

  /** The bench's PostgreSQL data directory: its postmaster is found by it (zonky's server is not our child). */
  static volatile String pgDataDir;

  record Sample(long nanos, long busyTicks, long ourTicks) {
  }

  private Cpu() {
  }

  static Sample sample() {
    return new Sample(System.nanoTime(), busyTicks(), ourTicks());
  }

  /** Cores used by other processes between two samples (0 when unknown). */
  static double otherCores(Sample a, Sample b) {
    double secs = (b.nanos() - a.nanos()) / 1e9;
    if (secs <= 0 || a.busyTicks() < 0 || b.busyTicks() < 0) {
      return 0;
    }
    double other = (b.busyTicks() - a.busyTicks()) - (b.ourTicks() - a.ourTicks());
    return Math.max(0, other / 100.0 / secs);
  }

  private static long busyTicks() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      // cpu user nice system idle iowait irq softirq steal
      return Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]) + Long.parseLong(f[6])
        + Long.parseLong(f[7]) + Long.parseLong(f[8]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private static long ourTicks() {
    long self = ProcessHandle.current().pid();
    Map<Long, long[]> stats = new HashMap<>();
    Map<Long, Long> parent = new HashMap<>();
    Long postmaster = null;
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
      for (Path p : ds) {
        long pid = Long.parseLong(p.getFileName().toString());
        try {
          String s = Files.readString(p.resolve("stat"));
          String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
          // after the comm: state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14)
          parent.put(pid, Long.parseLong(f[1]));
          stats.put(pid, new long[] {Long.parseLong(f[11]) + Long.parseLong(f[12]), Long.parseLong(f[13]) + Long.parseLong(f[14])});
          String dir = pgDataDir;
          if (postmaster == null && dir != null && s.contains("(postgres)")) {
            String cmd = Files.readString(p.resolve("cmdline")).replace('\0', ' ');
            if (cmd.contains(dir)) {
              postmaster = pid;
            }
          }
        } catch (IOException | RuntimeException ignored) {
          // the process ended meanwhile
        }
      }
    } catch (IOException e) {
      return 0;
    }
    Set<Long> ours = new HashSet<>();
    ours.add(self);
    if (postmaster != null) {
      ours.add(postmaster);
    }
    boolean grew = true;
    while (grew) {
      grew = false;
      for (Map.Entry<Long, Long> e : parent.entrySet()) {
        if (!ours.contains(e.getKey()) && ours.contains(e.getValue())) {
          ours.add(e.getKey());
          grew = true;
        }
      }
    }
    long ticks = 0;
    for (Long pid : ours) {
      long[] t = stats.get(pid);
      if (t != null) {
        ticks += t[0];
        if (pid == self) {
          // wrk and other commands the bench ran and reaped
          ticks += t[1];
        }
      }
    }
    return ticks;
  }
}
