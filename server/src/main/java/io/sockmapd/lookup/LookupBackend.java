package io.sockmapd.lookup;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Everything that answers lookups for one configuration: the maps by name plus whatever they hold
 * open (database pools, caches). The server knows only this seam; the SQL layer provides it.
 */
public interface LookupBackend {

  /** The maps, by the name clients send. */
  Map<String, MapLookup> maps();

  /** The SMTPD access policies, by name; none unless the configuration has some. */
  default Map<String, PolicyLookup> policies() {
    return Map.of();
  }

  /**
   * Releases pools and other resources, giving up after {@code timeout} (a hung database must not
   * keep the daemon from exiting). Never blocks the calling thread.
   */
  CompletionStage<Void> close(Duration timeout);
}
