package io.sockmapd.sql;

import io.sockmapd.log.LogThrottle;
import java.time.Duration;
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

  /** Distinct messages remembered; beyond it, further ones share one line per interval. */
  private static final int MAX_REMEMBERED = 1000;

  private final String mapName;
  private final String databaseName;
  private final LogThrottle queryErrors;
  private final LogThrottle outages;

  FailureLog(String mapName, String databaseName) {
    this(mapName, databaseName, System::nanoTime);
  }

  FailureLog(String mapName, String databaseName, LongSupplier nanoTime) {
    this.mapName = mapName;
    this.databaseName = databaseName;
    this.queryErrors = new LogThrottle(LogThrottle.ONCE, MAX_REMEMBERED, WARN_INTERVAL, nanoTime);
    this.outages = new LogThrottle(WARN_INTERVAL, MAX_REMEMBERED, WARN_INTERVAL, nanoTime);
  }

  void log(SqlErrorClassifier.Outcome outcome) {
    String reason = outcome.result().text();
    if (outcome.queryError()) {
      if (queryErrors.tryAcquire(outcome.detail()) >= 0) {
        LOG.error(
            "map {} (database {}): the configured query fails: {}; answering PERM until fixed",
            mapName,
            databaseName,
            outcome.detail());
        return;
      }
    } else if (outages.tryAcquire(reason) >= 0) {
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
}
