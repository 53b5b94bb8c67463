package io.sockmapd;

import io.sockmapd.admin.AdminServer;
import io.sockmapd.config.ConfigException;
import io.sockmapd.config.MapConfig;
import io.sockmapd.config.SockmapdConfig;
import io.sockmapd.embed.MapServer;
import io.sockmapd.lookup.BackendFactory;
import io.sockmapd.lookup.CacheControl;
import io.sockmapd.lookup.LookupBackend;
import io.sockmapd.lookup.MapRegistry;
import io.sockmapd.metrics.DaemonMetrics;
import io.sockmapd.metrics.PrometheusMetrics;
import io.sockmapd.net.RefusedConnections;
import io.sockmapd.net.ReloadControl;
import io.sockmapd.net.ServerStartException;
import io.sockmapd.net.SocketmapServer;
import io.sockmapd.reload.ConfigReloader;
import io.sockmapd.reload.ConfigSource;
import io.sockmapd.reload.HangupSignal;
import io.sockmapd.reload.ServingBackend;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.jspecify.annotations.Nullable;

/**
 * One running sockmapd: Vert.x (database I/O and the listeners' event loops), the backend with its
 * maps, and the listeners.
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
  private final SystemdNotifier notifier;
  private final ReloadControl reloader;
  private final @Nullable Admin admin;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private boolean closed;

  /** The admin listener with what it reports on, when {@code admin_listen} is set. */
  private record Admin(AdminServer server, PrometheusMetrics metrics, Readiness readiness) {}

  /**
   * What keeps the daemon from being ready, for {@code /health/ready}: listeners not bound yet (or
   * closing), and databases with no node in the rotation.
   */
  private static final class Readiness {
    private final PrometheusMetrics metrics;
    private volatile String listeners = "listeners not open yet";

    Readiness(PrometheusMetrics metrics) {
      this.metrics = metrics;
    }

    void listening() {
      listeners = "";
    }

    void shuttingDown() {
      listeners = "shutting down";
    }

    List<String> notReady() {
      List<String> down = new ArrayList<>();
      String state = listeners;
      if (!state.isEmpty()) {
        down.add(state);
      }
      metrics.databasesDown().forEach(d -> down.add("database " + d + ": no node up"));
      return down;
    }
  }

  private Daemon(
      SockmapdConfig config,
      Vertx vertx,
      LookupBackend backend,
      SocketmapServer server,
      SystemdNotifier notifier,
      ReloadControl reloader,
      @Nullable Admin admin) {
    this.config = config;
    this.vertx = vertx;
    this.backend = backend;
    this.server = server;
    this.notifier = notifier;
    this.reloader = reloader;
    this.admin = admin;
  }

  /**
   * Vert.x for database I/O and, on its own event loops, the listeners: one loop per core (see
   * {@link VertxEventLoops#count()}), native transport when it loads.
   */
  public static Vertx newVertx() {
    return Vertx.builder()
        .with(
            new VertxOptions()
                .setPreferNativeTransport(true)
                .setEventLoopPoolSize(VertxEventLoops.count()))
        .build();
  }

  /**
   * Builds the backend and opens every listener. On failure everything built so far is closed again
   * before the exception is thrown.
   */
  public static Daemon start(SockmapdConfig config, BackendFactory factory)
      throws ConfigException, ServerStartException {
    return start(config, factory, () -> config);
  }

  /**
   * As {@link #start(SockmapdConfig, BackendFactory)}, reloading from {@code source} on request
   * (the control socket's {@code reload}; {@code SIGHUP} through {@link HangupSignal}).
   */
  public static Daemon start(SockmapdConfig config, BackendFactory factory, ConfigSource source)
      throws ConfigException, ServerStartException {
    Vertx vertx = newVertx();
    // Counted only when someone can read it: without admin_listen, metrics cost nothing.
    PrometheusMetrics metrics = config.admin() == null ? null : new PrometheusMetrics(config);
    DaemonMetrics recorder = metrics == null ? DaemonMetrics.NONE : metrics;
    LookupBackend built = null;
    Admin admin = null;
    try {
      built = factory.create(vertx, config, recorder);
      ServingBackend backend =
          new ServingBackend(config, built, CLOSE_TIMEOUT, factory.invalidation(vertx, recorder));
      MapRegistry registry = backend.registry();
      logMaps(config, registry);
      SystemdNotifier notifier = SystemdNotifier.fromEnvironment();
      ConfigReloader reloader =
          new ConfigReloader(source, factory, vertx, backend, notifier, recorder);
      SocketmapServer server = newServer(config, registry, reloader, vertx, recorder).server();
      reloader.attach(server);
      if (metrics != null && config.admin() != null) {
        metrics.bindListeners(
            server::openConnections, server::acceptedConnections, server::bufferedBytes);
        server.recordRefusalsTo(
            (listener, reason) ->
                metrics.rejected(
                    reason == RefusedConnections.Reason.NOT_ALLOWED
                        ? DaemonMetrics.Rejection.ALLOW_LIST
                        : DaemonMetrics.Rejection.MAX_CONNECTIONS_PER_CLIENT));
        Readiness readiness = new Readiness(metrics);
        // Before the listeners, so that /health/ready can say they are not open yet.
        admin =
            new Admin(
                AdminServer.start(vertx, config.admin(), metrics, readiness::notReady),
                metrics,
                readiness);
      }
      server.start();
      if (admin != null) {
        admin.readiness().listening();
      }
      LOG.info(
          "sockmapd started: {} maps, {} listeners",
          registry.names().size(),
          config.listen().size());
      notifier.ready(
          "serving "
              + registry.names().size()
              + " maps on "
              + config.listen().size()
              + " listeners");
      return new Daemon(config, vertx, backend, server, notifier, reloader, admin);
    } catch (ConfigException | ServerStartException | RuntimeException | Error e) {
      // Wherever the start failed (the backend's maps, a listener, the admin listener), nothing
      // built so far may outlive it: pools and Vert.x threads would keep the JVM alive and pile up
      // in a caller that retries.
      if (admin != null) {
        admin.server().close();
      }
      if (built != null) {
        closeBackend(built);
      }
      closeVertx(vertx);
      throw e;
    }
  }

  /**
   * The daemon's listeners, built by the same builder a program embedding sockmapd uses, not open
   * yet. They run on Vert.x's own loops when our channels fit them, so that a lookup's database I/O
   * and its reply stay on one thread; else on a group of their own.
   */
  private static MapServer newServer(
      SockmapdConfig config,
      MapRegistry registry,
      CacheControl control,
      Vertx vertx,
      DaemonMetrics metrics) {
    MapServer.Builder builder = MapServer.builder().config(config).maps(registry).metrics(metrics);
    if (config.controlSocket() != null) {
      builder.controlSocket(config.controlSocket(), control);
    }
    VertxEventLoops loops = VertxEventLoops.of(vertx);
    if (loops != null) {
      builder.eventLoops(loops);
    }
    return builder.build();
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

  /** Reloads the configuration; see {@link ConfigReloader}. */
  public ReloadControl reloader() {
    return reloader;
  }

  /** The port of the admin listener, or -1 without {@code admin_listen}. */
  public int adminPort() {
    return admin == null ? -1 : admin.server().port();
  }

  /**
   * Closes the daemon when the JVM is asked to exit (SIGTERM, SIGINT), and then ends the process
   * with exit code 0: a shutdown asked for and carried out cleanly is a success, while the JVM
   * would otherwise exit 143 (130 for SIGINT), which systemd and container runtimes log as a
   * failure.
   *
   * <p>A shutdown hook plus {@link Runtime#halt} rather than a handler of the signal itself: the
   * signal API is internal to the JDK ({@code sun.misc.Signal}), and the hook also covers every
   * other way the JVM is asked to exit. The hook halts only when it was the one that closed the
   * daemon; if the daemon was closed before (the JVM then exits for another reason), the exit code
   * is left as it is. A close that throws leaves the JVM's own code; one that hangs meets the
   * watchdog, which halts with 1.
   */
  public void closeOnJvmShutdown() {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(this::closeForJvmShutdown, "sockmapd-shutdown"));
  }

  /**
   * What the hook of {@link #closeOnJvmShutdown} does, for a hook registered before the daemon
   * existed (one that must also cover a signal arriving while it starts).
   */
  public void closeForJvmShutdown() {
    startWatchdog();
    boolean closedHere = closeOnce();
    LogManager.shutdown(); // log4j2.xml disables Log4j's own hook for this
    if (closedHere) {
      System.out.flush();
      System.err.flush();
      Runtime.getRuntime().halt(0);
    }
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
    closeOnce();
  }

  /** As {@link #close()}; true when this call did the closing, false when it had been done. */
  private boolean closeOnce() {
    synchronized (this) {
      if (closed) {
        return false;
      }
      closed = true;
    }
    try {
      LOG.info("shutting down");
      notifier.stopping("shutting down: finishing lookups in flight");
      if (admin != null) {
        admin.readiness().shuttingDown();
      }
      server.close(config.shutdownTimeout());
      if (admin != null) {
        admin.server().close();
        admin.metrics().close();
      }
      closeBackend(backend);
      closeVertx(vertx);
      LOG.info("stopped");
    } finally {
      stopped.countDown();
    }
    return true;
  }

  /** Closes a backend without waiting longer than {@link #CLOSE_TIMEOUT} (plus a second). */
  public static void closeBackend(LookupBackend backend) {
    closeBackend(backend, CLOSE_TIMEOUT);
  }

  /** Closes a backend without waiting longer than {@code timeout} (plus a second). */
  public static void closeBackend(LookupBackend backend, Duration timeout) {
    awaitBounded(backend.close(timeout), timeout, "closing the maps");
  }

  /** Closes Vert.x without waiting longer than {@link #CLOSE_TIMEOUT} (plus a second). */
  public static void closeVertx(Vertx vertx) {
    closeVertx(vertx, CLOSE_TIMEOUT);
  }

  /** Closes Vert.x without waiting longer than {@code timeout} (plus a second). */
  public static void closeVertx(Vertx vertx, Duration timeout) {
    awaitBounded(vertx.close().toCompletionStage(), timeout, "closing Vert.x");
  }

  private static void awaitBounded(CompletionStage<?> stage, Duration timeout, String what) {
    try {
      // Runs on the main or shutdown thread, never on an event loop.
      stage.toCompletableFuture().get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      LOG.warn("{} took longer than {}; going on without it", what, timeout);
    } catch (ExecutionException e) {
      LOG.warn("{} failed: {}", what, e.getCause().toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
