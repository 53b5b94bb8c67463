package io.sockmapd.benchmarks.load;

import java.util.Arrays;
import java.util.Locale;

/**
 * What one load run measured: latencies and reply counts, with every definitive reply ({@code OK}
 * or {@code NOTFOUND}) that differs from the key file's expected reply counted as wrong. Shared by
 * the generators so that sockmapd and the direct database client are counted and printed alike. Not
 * thread-safe: each generator records from one thread.
 */
final class LoadResults {
  private long[] latencies = new long[1 << 16];
  private int latencyCount;
  private long ok;
  private long notFound;
  private long temp;
  private long timeout;
  private long perm;
  private long other;
  private long wrong;
  private long errors;

  /** A request that failed without a reply (connection lost, driver error). */
  void error() {
    errors++;
  }

  void record(long latencyNanos, String reply, String expectedReply) {
    if (latencyCount == latencies.length) {
      latencies = Arrays.copyOf(latencies, latencies.length * 2);
    }
    latencies[latencyCount++] = latencyNanos;
    boolean definitive = true;
    if (reply.startsWith("OK ")) {
      ok++;
    } else if (reply.equals("NOTFOUND ") || reply.equals("NOTFOUND")) {
      notFound++;
    } else {
      definitive = false;
      if (reply.startsWith("TEMP")) {
        temp++;
      } else if (reply.startsWith("TIMEOUT")) {
        timeout++;
      } else if (reply.startsWith("PERM")) {
        perm++;
      } else {
        other++;
      }
    }
    if (definitive && expectedReply != null && !expectedReply.equals(reply)) {
      wrong++;
    }
  }

  String summary(long measureNanos, int connections) {
    long[] sorted = Arrays.copyOf(latencies, latencyCount);
    Arrays.sort(sorted);
    double seconds = measureNanos / 1e9;
    return String.format(
        Locale.ROOT,
        "requests=%d rps=%.0f p50_us=%d p90_us=%d p99_us=%d p999_us=%d max_us=%d"
            + " ok=%d notfound=%d temp=%d timeout=%d perm=%d other=%d wrong=%d errors=%d"
            + " conns=%d",
        latencyCount,
        latencyCount / seconds,
        percentile(sorted, 0.50),
        percentile(sorted, 0.90),
        percentile(sorted, 0.99),
        percentile(sorted, 0.999),
        sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1000,
        ok,
        notFound,
        temp,
        timeout,
        perm,
        other,
        wrong,
        errors,
        connections);
  }

  private static long percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int index = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
    return sorted[Math.max(0, index)] / 1000;
  }

  boolean failed() {
    return wrong > 0 || errors > 0;
  }
}
