package io.sockmapd.cli;

import io.sockmapd.Daemon;
import io.sockmapd.config.ConfigException;
import io.sockmapd.config.SockmapdConfig;
import io.sockmapd.lookup.BackendFactory;
import io.sockmapd.lookup.LookupBackend;
import io.vertx.core.Vertx;
import java.time.Duration;

/**
 * Vert.x plus a backend for a one-shot command ({@code query}, {@code check}), closed with time
 * limits so the command exits promptly even if a database hangs.
 */
final class BackendSession implements AutoCloseable {
  /**
   * What closing the backend and Vert.x may take, each. Short: the command's answer is out by then
   * and the process exits after; pools waiting on a database that never answers would otherwise
   * hold the exit for the daemon's full close limits.
   */
  static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(1);

  final Vertx vertx;
  final LookupBackend backend;

  private BackendSession(Vertx vertx, LookupBackend backend) {
    this.vertx = vertx;
    this.backend = backend;
  }

  static BackendSession open(BackendFactory factory, SockmapdConfig config) throws ConfigException {
    Vertx vertx = Daemon.newVertx();
    try {
      return new BackendSession(vertx, factory.create(vertx, config));
    } catch (ConfigException | RuntimeException e) {
      Daemon.closeVertx(vertx);
      throw e;
    }
  }

  @Override
  public void close() {
    Daemon.closeBackend(backend, CLOSE_TIMEOUT);
    Daemon.closeVertx(vertx, CLOSE_TIMEOUT);
  }
}
