package io.sockmapd.reload;

import io.sockmapd.SystemdNotifier;
import io.sockmapd.config.ConfigException;
import io.sockmapd.config.ConfigProblem;
import io.sockmapd.config.DatabaseConfig;
import io.sockmapd.config.SockmapdConfig;
import io.sockmapd.lookup.BackendFactory;
import io.sockmapd.lookup.CacheControl;
import io.sockmapd.lookup.LookupBackend;
import io.sockmapd.metrics.DaemonMetrics;
import io.sockmapd.net.ReloadControl;
import io.sockmapd.net.ServerStartException;
import io.sockmapd.net.SocketmapServer;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.jspecify.annotations.Nullable;

/**
 * Reloads the configuration of a running daemon ({@code SIGHUP}, the control socket's {@code
 * reload}). The new file is read, validated and checked against its databases the way {@code
 * sockmapd check} does, its backend built and its new listeners opened, all while the old
 * configuration serves. Only then do the maps swap, at once; listeners the new file no longer has
 * are closed, and the old backend closes once its lookups in flight are done.
 *
 * <p>On any error nothing changes and one line says why, in the log and in the reply. Reloads run
 * one at a time on a thread of their own, never on an event loop.
 *
 * <p>Also the daemon's {@link CacheControl}: the control socket flushes the caches serving now.
 */
public final class ConfigReloader implements ReloadControl, CacheControl {
  private static final Logger LOG = LogManager.getLogger(ConfigReloader.class);

  /** The check's limit when there is no database to derive one from. */
  private static final Duration CHECK_LIMIT_WITHOUT_DATABASES = Duration.ofSeconds(10);

  private final ConfigSource source;
  private final BackendFactory factory;
  private final Vertx vertx;
  private final ServingBackend serving;
  private final SystemdNotifier notifier;
  private final DaemonMetrics metrics;

  /** One reload at a time, in order; the thread ends when idle, so a daemon closed leaves none. */
  private final ExecutorService thread =
      new ThreadPoolExecutor(
          0,
          1,
          10,
          TimeUnit.SECONDS,
          new LinkedBlockingQueue<>(),
          work -> {
            Thread t = new Thread(work, "sockmapd-reload");
            t.setDaemon(true);
            return t;
          });

  private volatile @Nullable SocketmapServer server;

  public ConfigReloader(
      ConfigSource source,
      BackendFactory factory,
      Vertx vertx,
      ServingBackend serving,
      SystemdNotifier notifier,
      DaemonMetrics metrics) {
    this.source = source;
    this.factory = factory;
    this.vertx = vertx;
    this.serving = serving;
    this.notifier = notifier;
    this.metrics = metrics;
  }

  /**
   * The listeners a reload opens and closes. Given after construction, because the server takes
   * this reloader as its control commands' target.
   */
  public void attach(SocketmapServer listeners) {
    this.server = listeners;
  }

  @Override
  public CompletionStage<String> reload() {
    return CompletableFuture.supplyAsync(this::reloadNow, thread);
  }

  private String reloadNow() {
    notifier.reloading("reloading the configuration");
    LOG.info("reloading the configuration");
    String outcome = "";
    try {
      String summary = apply();
      LOG.info("reloaded the configuration: {}", summary);
      return summary;
    } catch (ReloadException e) {
      LOG.error("reload failed, the previous configuration keeps serving: {}", e.getMessage());
      outcome = "; the last reload failed: " + e.getMessage();
      throw e;
    } catch (RuntimeException e) {
      LOG.error("reload failed, the previous configuration keeps serving", e);
      outcome = "; the last reload failed: internal error";
      throw new ReloadException("internal error: " + e);
    } finally {
      SockmapdConfig config = serving.config();
      notifier.ready(
          "serving "
              + config.maps().size()
              + " maps on "
              + config.listen().size()
              + " listeners"
              + outcome);
    }
  }

  private String apply() {
    SocketmapServer listeners = server;
    if (listeners == null) {
      throw new ReloadException("the daemon has not started yet");
    }
    SockmapdConfig next;
    try {
      next = source.load();
    } catch (ConfigException e) {
      throw new ReloadException(String.valueOf(e.getMessage()).replace("\n  ", "; "));
    }
    ConfigChanges changes = new ConfigChanges(serving.config(), next);
    List<String> restartOnly = changes.needingRestart();
    if (!restartOnly.isEmpty()) {
      throw new ReloadException(
          "a restart is needed to change " + String.join(", ", restartOnly) + "; nothing changed");
    }
    check(next);
    LookupBackend backend;
    try {
      backend = factory.create(vertx, next, metrics);
    } catch (ConfigException e) {
      throw new ReloadException(String.valueOf(e.getMessage()).replace("\n  ", "; "));
    }
    try {
      listeners.openListeners(changes.listenersToOpen(), changes.controlSocketToOpen());
    } catch (ServerStartException | RuntimeException e) {
      backend.close(Duration.ofSeconds(5));
      throw new ReloadException(String.valueOf(e.getMessage()));
    }
    int kept = serving.swap(next, backend, changes.unchangedMaps());
    if (kept < 0) {
      throw new ReloadException("the daemon is shutting down");
    }
    metrics.reconfigured(next);
    listeners.closeListeners(changes.listenersToClose());
    return changes.summary(kept);
  }

  /** What {@code sockmapd check} does: connect to each database, prepare each map's statements. */
  private void check(SockmapdConfig next) {
    Duration limit =
        next.databases().values().stream()
            .map(ConfigReloader::checkLimit)
            .max(Duration::compareTo)
            .orElse(CHECK_LIMIT_WITHOUT_DATABASES);
    List<ConfigProblem> problems;
    try {
      problems =
          factory
              .check(vertx, next)
              .toCompletableFuture()
              .get(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new ReloadException(
          "the databases did not answer the check within " + limit.toSeconds() + " s");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof ConfigException config) {
        throw new ReloadException(String.valueOf(config.getMessage()).replace("\n  ", "; "));
      }
      throw new ReloadException("the check failed: " + e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ReloadException("interrupted");
    }
    if (!problems.isEmpty()) {
      throw new ReloadException(
          problems.stream().map(ConfigProblem::toString).collect(Collectors.joining("; ")));
    }
  }

  /** As {@code sockmapd check} allows one database: a connect, then its statements, + 1 s. */
  private static Duration checkLimit(DatabaseConfig database) {
    return database.connectTimeout().plus(database.lookupTimeout()).multipliedBy(2).plusSeconds(1);
  }

  @Override
  public boolean flush(String mapName) {
    return serving.flush(mapName);
  }

  @Override
  public void flushAll() {
    serving.flushAll();
  }
}
