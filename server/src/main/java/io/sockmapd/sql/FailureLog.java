package io.sockmapd.sql;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Logs lookup failures without flooding the log during an outage: an error in a map's query is
 * logged at ERROR once per distinct message, other failures at WARN at most once per {@link
 * #WARN_INTERVAL} per distinct reason; repeats go to DEBUG.
 */
final class FailureLog {
  private static final Logger LOG = LogManager.getLogger(SqlMap.class);
  static final Duration WARN_INTERVAL = Duration.ofMinutes(1);

  /** Distinct messages remembered; beyond it the memory is cleared rather than grown. */
  private static final int MAX_REMEMBERED = 1000;

  private final String mapName;
  private final String databaseName;
  private final LongSupplier nanoTime;
  private final ConcurrentHashMap<String, Long> lastLogged = new ConcurrentHashMap<>();

  FailureLog(String mapName, String databaseName) {
    this(mapName, databaseName, System::nanoTime);
  }

  FailureLog(String mapName, String databaseName, LongSupplier nanoTime) {
    this.mapName = mapName;
    this.databaseName = databaseName;
    this.nanoTime = nanoTime;
  }

  void log(SqlErrorClassifier.Outcome outcome) {
    String reason = outcome.result().text();
    if (outcome.queryError()) {
      if (firstTime("perm:" + outcome.detail(), Long.MAX_VALUE)) {
        LOG.error(
            "map {} (database {}): the configured query fails: {}; answering PERM until fixed",
            mapName,
            databaseName,
            outcome.detail());
        return;
      }
    } else if (firstTime("temp:" + reason, WARN_INTERVAL.toNanos())) {
      LOG.warn(
          "map {} (database {}): answering {} {}",
          mapName,
          databaseName,
          outcome.result().status(),
          reason);
      LOG.debug("map {}: cause: {}", mapName, outcome.detail());
      return;
    }
    LOG.debug("map {}: {} {} ({})", mapName, outcome.result().status(), reason, outcome.detail());
  }

  /** True when {@code key} was not logged within {@code interval} nanoseconds. */
  private boolean firstTime(String key, long interval) {
    long now = nanoTime.getAsLong();
    if (lastLogged.size() > MAX_REMEMBERED) {
      lastLogged.clear();
    }
    boolean[] first = {false};
    lastLogged.compute(
        key,
        (k, last) -> {
          if (last == null || (interval != Long.MAX_VALUE && now - last >= interval)) {
            first[0] = true;
            return now;
          }
          return last;
        });
    return first[0];
  }
}
