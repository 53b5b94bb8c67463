package io.sockmapd.lookup;

import io.sockmapd.log.LogThrottle;
import io.sockmapd.metrics.DaemonMetrics;
import java.time.Duration;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.jspecify.annotations.Nullable;

/**
 * The one answer to a lookup that failed by a bug (a map that throws, completes exceptionally or
 * with null, against the {@link MapLookup} contract): {@code TEMP internal error}, so the mail is
 * deferred, never bounced or let through, and one ERROR line with the stack trace, at most once a
 * second per map, counting the ones held back. Whichever layer catches the bug (the map, its cache,
 * the dispatcher) answers through here, so each is logged alike.
 */
public final class InternalErrors {
  private static final Logger LOG = LogManager.getLogger(InternalErrors.class);

  /** What the client is told. */
  public static final LookupResult ANSWER = LookupResult.temp("internal error");

  private static final LogThrottle THROTTLE =
      new LogThrottle(Duration.ofSeconds(1), 256, Duration.ofSeconds(1));

  private InternalErrors() {}

  /**
   * Logs {@code error} (throttled) and returns the answer for the client.
   *
   * @param map the map whose lookup failed
   * @param where what failed, for the log ("lookup", "batch answer", ...)
   */
  public static LookupResult answer(String map, String where, @Nullable Throwable error) {
    return answer(map, where, error, DaemonMetrics.NONE);
  }

  /** As above, counting a line held back by the throttle into {@code metrics}. */
  public static LookupResult answer(
      String map, String where, @Nullable Throwable error, DaemonMetrics metrics) {
    long suppressed = THROTTLE.tryAcquire(map);
    if (suppressed < 0) {
      metrics.logSuppressed("internal_error");
    } else {
      LOG.error(
          "map {}: {} failed unexpectedly (answered TEMP internal error{})",
          map,
          where,
          suppressed > 0 ? "; " + suppressed + " similar errors not logged" : "",
          error);
    }
    return ANSWER;
  }
}
