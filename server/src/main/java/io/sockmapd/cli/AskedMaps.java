package io.sockmapd.cli;

import io.sockmapd.config.ConfigException;
import io.sockmapd.config.SockmapdConfig;
import io.sockmapd.lookup.BackendFactory;
import io.sockmapd.lookup.LookupResult;
import io.sockmapd.lookup.MapRegistry;
import io.sockmapd.net.RequestDispatcher;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The maps of a configuration, opened in-process and asked keys as a client would ask them, without
 * a server: what {@code query} and {@code verify} share. Each answer waits no longer than the map's
 * database allows (its own timeouts), not a fixed minute.
 */
final class AskedMaps implements AutoCloseable {
  final SockmapdConfig config;
  private final BackendSession session;
  private final RequestDispatcher dispatcher;

  private AskedMaps(SockmapdConfig config, BackendSession session) {
    this.config = config;
    this.session = session;
    this.dispatcher = new RequestDispatcher(new MapRegistry(session.backend.maps()));
  }

  /** Loads the {@code --config} file and opens its maps. */
  static AskedMaps open(ConfigOption option, BackendFactory backends) throws ConfigException {
    SockmapdConfig config = option.load();
    return new AskedMaps(config, BackendSession.open(backends, config));
  }

  /** The answer to {@code key} in {@code mapName}; {@code TIMEOUT} past the map's deadline. */
  LookupResult ask(String mapName, String key) throws InterruptedException {
    Duration deadline = DatabaseDeadlines.query(config, config.maps().get(mapName));
    try {
      return dispatcher
          .dispatch(mapName, key)
          .toCompletableFuture()
          .get(deadline.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return LookupResult.timeout("no answer within " + DatabaseDeadlines.seconds(deadline));
    } catch (ExecutionException e) {
      // The dispatcher answers every failure itself; this is a bug, shown as an outage.
      return LookupResult.temp("internal error: " + e.getCause());
    }
  }

  /**
   * Closes the maps and Vert.x within short limits. Call after the answer is reported: closing
   * pools that wait on a silent database takes time of its own.
   */
  @Override
  public void close() {
    session.close();
  }
}
