package io.sockmapd;

import io.sockmapd.net.SharedEventLoops;
import io.vertx.core.Vertx;
import java.time.Duration;

/**
 * The event-loop arrangement the daemon runs its listeners on (Vert.x's own loops, as {@link
 * Daemon} sets them up), for tests in other packages that start a server without a daemon: a
 * network test on the server's private group would miss what only happens when lookups and database
 * callbacks share the connection's thread.
 */
public final class ProductionEventLoops implements AutoCloseable {
  private final Vertx vertx;
  private final SharedEventLoops loops;

  private ProductionEventLoops(Vertx vertx, SharedEventLoops loops) {
    this.vertx = vertx;
    this.loops = loops;
  }

  /** A Vert.x made as the daemon makes it, and its loops. */
  public static ProductionEventLoops start() {
    Vertx vertx = Daemon.newVertx();
    VertxEventLoops loops = VertxEventLoops.of(vertx);
    if (loops == null) {
      Daemon.closeVertx(vertx);
      throw new IllegalStateException("Vert.x's loops fit none of our transports");
    }
    return new ProductionEventLoops(vertx, loops);
  }

  public SharedEventLoops loops() {
    return loops;
  }

  public Vertx vertx() {
    return vertx;
  }

  @Override
  public void close() {
    Daemon.closeVertx(vertx, Duration.ofSeconds(5));
  }
}
