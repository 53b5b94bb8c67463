package io.sockmapd;

import io.sockmapd.config.ConfigException;
import io.sockmapd.config.MapConfig;
import io.sockmapd.config.SockmapdConfig;
import io.sockmapd.lookup.BackendFactory;
import io.sockmapd.lookup.LookupBackend;
import io.sockmapd.lookup.MapRegistry;
import io.sockmapd.lookup.NoCaches;
import io.sockmapd.net.ServerStartException;
import io.sockmapd.net.SocketmapServer;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * One running sockmapd: Vert.x (for database I/O), the backend with its maps, and the listeners.
 *
 * <p>Shutdown stops accepting, lets in-flight lookups finish for up to {@code shutdown_timeout},
 * then closes the backend and Vert.x, each with a time limit: Vert.x threads are not daemon
 * threads, so a close that hangs must not keep the process alive.
 */
public final class Daemon implements AutoCloseable {
  private static final Logger LOG = LogManager.getLogger(Daemon.class);

  /** Time allowed to the backend and to Vert.x, each, to close. */
  static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

  private final SockmapdConfig config;
  private final Vertx vertx;
  private final LookupBackend backend;
  private final SocketmapServer server;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private boolean closed;

  private Daemon(
      SockmapdConfig config, Vertx vertx, LookupBackend backend, SocketmapServer server) {
    this.config = config;
    this.vertx = vertx;
    this.backend = backend;
    this.server = server;
  }

  /** Vert.x for database I/O only: few event loops, native transport when it loads. */
  public static Vertx newVertx() {
    return Vertx.builder()
        .with(new VertxOptions().setPreferNativeTransport(true).setEventLoopPoolSize(2))
        .build();
  }

  /**
   * Builds the backend and opens every listener. On failure everything built so far is closed again
   * before the exception is thrown.
   */
  public static Daemon start(SockmapdConfig config, BackendFactory factory)
      throws ConfigException, ServerStartException {
    Vertx vertx = newVertx();
    LookupBackend backend;
    try {
      backend = factory.create(vertx, config);
    } catch (ConfigException | RuntimeException e) {
      closeVertx(vertx);
      throw e;
    }
    MapRegistry registry = new MapRegistry(backend.maps());
    logMaps(config, registry);
    SocketmapServer server = newServer(config, registry, backend, vertx);
    try {
      server.start();
    } catch (ServerStartException | RuntimeException e) {
      closeBackend(backend);
      closeVertx(vertx);
      throw e;
    }
    LOG.info(
        "sockmapd started: {} maps, {} listeners", registry.names().size(), config.listen().size());
    return new Daemon(config, vertx, backend, server);
  }

  /**
   * The listeners run on Vert.x's own loops when our channels fit them, so that a lookup's database
   * I/O and its reply stay on one thread; else on a group of their own.
   */
  private static SocketmapServer newServer(
      SockmapdConfig config, MapRegistry registry, LookupBackend backend, Vertx vertx) {
    VertxEventLoops loops = VertxEventLoops.of(vertx);
    return loops == null
        ? new SocketmapServer(config, registry, NoCaches.of(backend))
        : new SocketmapServer(config, registry, NoCaches.of(backend), loops);
  }

  private static void logMaps(SockmapdConfig config, MapRegistry registry) {
    for (String name : registry.names()) {
      MapConfig map = config.maps().get(name);
      if (map != null) {
        LOG.info("map {} → database {}", name, map.database());
      } else {
        LOG.info("map {}", name);
      }
    }
    for (String name : config.maps().keySet()) {
      if (registry.find(name) == null) {
        LOG.warn("map {} is configured but the backend does not serve it", name);
      }
    }
  }

  public SocketmapServer server() {
    return server;
  }

  /** Closes the daemon when the JVM is asked to exit (SIGTERM, SIGINT). */
  public void closeOnJvmShutdown() {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  startWatchdog();
                  close();
                  LogManager.shutdown(); // log4j2.xml disables Log4j's own hook for this
                },
                "sockmapd-shutdown"));
  }

  /**
   * Every step of {@link #close()} is bounded; this is the last resort should one of them still
   * hang: the process must end.
   */
  private void startWatchdog() {
    long limitMillis =
        config.shutdownTimeout().plus(CLOSE_TIMEOUT.multipliedBy(2)).plusSeconds(10).toMillis();
    Thread watchdog =
        new Thread(
            () -> {
              try {
                Thread.sleep(limitMillis);
                LOG.error("shutdown did not finish in {} ms; halting", limitMillis);
                Runtime.getRuntime().halt(1);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "sockmapd-shutdown-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
  }

  /** Blocks until {@link #close()} has finished. */
  public void awaitStopped() throws InterruptedException {
    stopped.await();
  }

  /** Stops the daemon; returns within about {@code shutdown_timeout} plus the close limits. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    try {
      LOG.info("shutting down");
      server.close(config.shutdownTimeout());
      closeBackend(backend);
      closeVertx(vertx);
      LOG.info("stopped");
    } finally {
      stopped.countDown();
    }
  }

  /** Closes a backend without waiting longer than {@link #CLOSE_TIMEOUT} (plus a second). */
  public static void closeBackend(LookupBackend backend) {
    awaitBounded(backend.close(CLOSE_TIMEOUT), "closing the maps");
  }

  /** Closes Vert.x without waiting longer than {@link #CLOSE_TIMEOUT} (plus a second). */
  public static void closeVertx(Vertx vertx) {
    awaitBounded(vertx.close().toCompletionStage(), "closing Vert.x");
  }

  private static void awaitBounded(CompletionStage<?> stage, String what) {
    try {
      // Runs on the main or shutdown thread, never on an event loop.
      stage.toCompletableFuture().get(CLOSE_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      LOG.warn("{} took longer than {}; going on without it", what, CLOSE_TIMEOUT);
    } catch (ExecutionException e) {
      LOG.warn("{} failed: {}", what, e.getCause().toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
