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

  /**
   * Releases pools and other resources, giving up after {@code timeout} (a hung database must not
   * keep the daemon from exiting). Never blocks the calling thread.
   */
  CompletionStage<Void> close(Duration timeout);
}
