package io.sockmapd.embed;

import io.sockmapd.config.DatabaseConfig;
import io.sockmapd.config.Endpoint;
import io.sockmapd.config.Limits;
import io.sockmapd.config.ListenerConfig;
import io.sockmapd.config.SockmapdConfig;
import io.sockmapd.lookup.CacheControl;
import io.sockmapd.lookup.MapLookup;
import io.sockmapd.lookup.MapRegistry;
import io.sockmapd.lookup.NoCaches;
import io.sockmapd.metrics.DaemonMetrics;
import io.sockmapd.net.ServerStartException;
import io.sockmapd.net.SharedEventLoops;
import io.sockmapd.net.SocketmapServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A running socketmap server for maps a program supplies itself: the Java counterpart of the Go
 * socketmap libraries' {@code RegisterMap(name, fn)}. Build one with {@link #builder()}:
 *
 * <pre>{@code
 * MapServer server =
 *     MapServer.builder()
 *         .listen("inet:127.0.0.1:8732")
 *         .map("domains", key -> CompletableFuture.completedFuture(
 *             key.endsWith(".example") ? LookupResult.found("OK") : LookupResult.notFound()))
 *         .start();
 * // ... serves on its own (non-daemon) threads until
 * server.close();
 * }</pre>
 *
 * <p>Every request goes through the daemon's pipeline: strict netstring framing, the {@link Limits}
 * (request and reply sizes, connections, pipelined requests, idle time, buffered bytes, per-client
 * share), one reply per request in request order, {@code PERM} for an unknown map, {@code NOTFOUND}
 * for an empty key without asking the map, and {@code TEMP internal error} when a map throws or its
 * stage fails.
 *
 * <p><b>A map must not block.</b> It is called on one of the server's I/O threads, which serve many
 * connections each; slow work (a database, a remote call) belongs on another thread, with the
 * returned stage completed from there. The stage may complete on any thread.
 *
 * <p>The daemon itself is one user of this builder ({@code io.sockmapd.Daemon}): it gives its whole
 * configuration ({@link Builder#config}), its registry of SQL maps and policies, its metrics and
 * the database client's event loops, and {@link Builder#build() builds} the server so that it can
 * wire metrics and reloads before the listeners open.
 */
public final class MapServer implements AutoCloseable {
  private final SocketmapServer server;
  private final Duration shutdownTimeout;

  private MapServer(SocketmapServer server, Duration shutdownTimeout) {
    this.server = server;
    this.shutdownTimeout = shutdownTimeout;
  }

  /** A builder with the daemon's default limits and no listeners yet. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Opens every listener and starts serving; on failure whatever was opened is closed again.
   *
   * @return this server
   * @throws ServerStartException when a listener can't be opened (the message names it)
   */
  public MapServer start() throws ServerStartException {
    server.start();
    return this;
  }

  /**
   * The pipeline underneath: for a program that opens and closes listeners while it runs (the
   * daemon's reload), or reads its counters (connections accepted, bytes buffered, refusals).
   */
  public SocketmapServer server() {
    return server;
  }

  /** The open listeners, in the order they were given. */
  public List<SocketmapServer.Listener> listeners() {
    return server.listeners();
  }

  /**
   * The port of the first TCP listener serving maps: the real one when {@code inet:HOST:0} asked
   * the system for a free port.
   *
   * @throws IllegalStateException when no TCP listener serves maps
   */
  public int port() {
    return server.port();
  }

  /** Client connections open now. */
  public int openConnections() {
    return server.openConnections();
  }

  /**
   * Stops accepting, lets every connection finish the requests it has sent for up to {@code
   * drainTimeout}, then closes the connections. Blocks the calling thread for a bounded time; never
   * call it from a map. A second call does nothing.
   */
  public void close(Duration drainTimeout) {
    server.close(drainTimeout);
  }

  /** {@link #close(Duration)} with the builder's {@link Builder#shutdownTimeout(Duration)}. */
  @Override
  public void close() {
    close(shutdownTimeout);
  }

  /** Collects the listeners, limits and maps of one {@link MapServer}. Not thread-safe. */
  public static final class Builder {
    private final List<ListenerConfig> listen = new ArrayList<>();
    private final Map<String, MapLookup> maps = new LinkedHashMap<>();
    private @Nullable MapRegistry registry;
    private Limits limits = Limits.defaults();
    private Duration shutdownTimeout = SockmapdConfig.DEFAULT_SHUTDOWN_TIMEOUT;
    private int unixSocketMode = SockmapdConfig.DEFAULT_UNIX_SOCKET_MODE;
    private String unixSocketGroup = "";
    private Map<String, DatabaseConfig> databases = Map.of();
    private DaemonMetrics metrics = DaemonMetrics.NONE;
    private @Nullable Endpoint controlSocket;
    private CacheControl cacheControl = NoCaches.INSTANCE;
    private @Nullable SharedEventLoops eventLoops;

    private Builder() {}

    /**
     * Adds a listener, written as Postfix writes a socketmap address without the map name: {@code
     * inet:HOST:PORT} (port 0 for any free port, see {@link MapServer#port()}), {@code
     * inet:[IPV6]:PORT} or {@code unix:/absolute/path}.
     *
     * @throws IllegalArgumentException when {@code endpoint} is none of these
     */
    public Builder listen(String endpoint) {
      return listen(Endpoint.parse(endpoint));
    }

    /** Adds a socketmap listener that accepts every client. */
    public Builder listen(Endpoint endpoint) {
      return listen(ListenerConfig.open(Objects.requireNonNull(endpoint, "endpoint")));
    }

    /**
     * Adds a listener as the configuration describes one: its clients ({@code allow}) and what it
     * speaks (socketmap, {@code tcp_table} for one map, {@code policy} for one policy of the
     * registry).
     */
    public Builder listen(ListenerConfig listener) {
      listen.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Serves {@code lookup} under {@code name}, the name clients send before the key ({@code
     * socketmap:inet:127.0.0.1:8732:NAME} in Postfix, the {@code K} name in Sendmail).
     *
     * @throws IllegalArgumentException when the name is empty, holds a space or a control character
     *     (a client could never send it), or is taken
     */
    public Builder map(String name, MapLookup lookup) {
      Objects.requireNonNull(lookup, "lookup");
      if (name.isEmpty() || name.chars().anyMatch(c -> c == ' ' || Character.isISOControl(c))) {
        throw new IllegalArgumentException(
            "a map name must be non-empty, without spaces or control characters: \"" + name + '"');
      }
      if (maps.putIfAbsent(name, lookup) != null) {
        throw new IllegalArgumentException("map " + name + " is already registered");
      }
      return this;
    }

    /**
     * Serves the maps of {@code registry} instead of those given by {@link #map}: for a program
     * that keeps the registry itself.
     */
    public Builder maps(MapRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /** The limits; the daemon's defaults ({@link Limits#defaults()}) unless set. */
    public Builder limits(Limits limits) {
      this.limits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /** How long {@link MapServer#close()} lets lookups in flight finish; 10 seconds unless set. */
    public Builder shutdownTimeout(Duration timeout) {
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("shutdown timeout must not be negative: " + timeout);
      }
      this.shutdownTimeout = timeout;
      return this;
    }

    /** The file mode of unix sockets, e.g. {@code 0660} (the default). */
    public Builder unixSocketMode(int mode) {
      if ((mode & ~0777) != 0) {
        throw new IllegalArgumentException("not a file mode: " + Integer.toOctalString(mode));
      }
      this.unixSocketMode = mode;
      return this;
    }

    /**
     * Also listens on {@code endpoint} for the admin commands only ({@code flush}), which act on
     * {@code caches}; see {@code control_socket} in docs/configuration.md.
     */
    public Builder controlSocket(Endpoint endpoint, CacheControl caches) {
      this.controlSocket = Objects.requireNonNull(endpoint, "endpoint");
      this.cacheControl = Objects.requireNonNull(caches, "caches");
      return this;
    }

    /**
     * Takes the listeners (with their {@code allow} lists and protocols), limits, shutdown timeout
     * and unix socket mode and group of a sockmapd configuration, and sizes the per-client share of
     * lookups for its databases; its maps and policies are not taken (give them with {@link #map}
     * or {@link #maps}), nor its control socket (see {@link #controlSocket}).
     */
    public Builder config(SockmapdConfig config) {
      listen.clear();
      config.listeners().forEach(this::listen);
      limits(config.limits());
      shutdownTimeout(config.shutdownTimeout());
      unixSocketMode(config.unixSocketMode());
      this.unixSocketGroup = config.unixSocketGroup();
      this.databases = config.databases();
      return this;
    }

    /** Counts requests, connections and refusals into {@code metrics}; nothing unless set. */
    public Builder metrics(DaemonMetrics metrics) {
      this.metrics = Objects.requireNonNull(metrics, "metrics");
      return this;
    }

    /**
     * Runs the listeners on someone else's event loops (a database client's, so that a lookup's I/O
     * and its reply stay on one thread) instead of a group of the server's own; the server never
     * shuts them down, so close it before their owner.
     */
    public Builder eventLoops(SharedEventLoops loops) {
      this.eventLoops = Objects.requireNonNull(loops, "loops");
      return this;
    }

    /**
     * Opens every listener and starts serving: {@link #build()}, then {@link MapServer#start()}.
     *
     * @throws ServerStartException when a listener can't be opened (the message names it)
     * @throws IllegalStateException when no listener was given, or maps were given both ways
     */
    public MapServer start() throws ServerStartException {
      return build().start();
    }

    /**
     * The server with its listeners not open yet: {@link MapServer#start()} opens them.
     *
     * @throws IllegalStateException when no listener was given, or maps were given both ways
     */
    public MapServer build() {
      if (listen.isEmpty()) {
        throw new IllegalStateException("no listener: call listen(...) first");
      }
      if (registry != null && !maps.isEmpty()) {
        throw new IllegalStateException("maps given both by map(...) and by maps(registry)");
      }
      SockmapdConfig config =
          new SockmapdConfig(
              listen,
              unixSocketMode,
              unixSocketGroup,
              limits,
              shutdownTimeout,
              databases,
              Map.of(),
              controlSocket,
              null,
              Map.of());
      MapRegistry served = registry != null ? registry : new MapRegistry(maps);
      SocketmapServer server =
          eventLoops == null
              ? new SocketmapServer(config, served, cacheControl, metrics)
              : new SocketmapServer(config, served, cacheControl, eventLoops, metrics);
      return new MapServer(server, shutdownTimeout);
    }
  }
}
