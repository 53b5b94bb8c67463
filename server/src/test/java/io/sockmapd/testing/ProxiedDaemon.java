package io.sockmapd.testing;

import io.sockmapd.Daemon;
import io.sockmapd.cli.Backends;
import io.sockmapd.codec.SocketmapResponse;
import io.sockmapd.config.DatabaseConfig;
import io.sockmapd.config.DatabaseType;
import io.sockmapd.config.Endpoint;
import io.sockmapd.config.HostAndPort;
import io.sockmapd.config.Limits;
import io.sockmapd.config.MapConfig;
import io.sockmapd.config.SockmapdConfig;
import io.sockmapd.net.BlockingSocketmapClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The whole daemon as production wires it ({@link Daemon} with {@link Backends#DEFAULT}), listening
 * on 127.0.0.1, with one database whose nodes are {@link FaultProxy}s in front of the same real
 * database. Clients talk to it over real sockets.
 *
 * <p>Maps, all on the seeded {@link KvTable}:
 *
 * <ul>
 *   <li>{@code kv}: the plain lookup;
 *   <li>{@code slow}: the same, but a key starting with {@code slow-} sleeps {@link #SLOW_QUERY} in
 *       the database first;
 *   <li>{@code broken}: a query naming a column that does not exist.
 * </ul>
 */
public final class ProxiedDaemon implements AutoCloseable {
  public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);

  /** More than twice {@link #CONNECT_TIMEOUT}: time to find a hung node and retry elsewhere. */
  public static final Duration LOOKUP_TIMEOUT = Duration.ofMillis(2500);

  public static final Duration RETRY_INTERVAL = Duration.ofMillis(500);

  /** Longer than {@link #LOOKUP_TIMEOUT}: the {@code slow} map's query for {@code slow-} keys. */
  public static final Duration SLOW_QUERY = Duration.ofMillis(3500);

  public final List<FaultProxy> nodes;
  public final Daemon daemon;
  private final InetSocketAddress address;

  private ProxiedDaemon(List<FaultProxy> nodes, Daemon daemon) {
    this.nodes = List.copyOf(nodes);
    this.daemon = daemon;
    this.address = new InetSocketAddress(InetAddress.getLoopbackAddress(), daemon.server().port());
  }

  /**
   * Starts {@code nodeCount} proxies in front of {@code db} (seeded with {@link KvTable}) and a
   * daemon using them as one cluster.
   */
  public static ProxiedDaemon start(TestDatabase db, int nodeCount, Duration shutdownTimeout) {
    return start(
        db,
        nodeCount,
        shutdownTimeout,
        hosts ->
            db.config("cluster", hosts, CONNECT_TIMEOUT, LOOKUP_TIMEOUT, RETRY_INTERVAL, 1000));
  }

  /**
   * As {@link #start(TestDatabase, int, Duration)}, but with the project's default {@code
   * connect_timeout}, {@code lookup_timeout}, {@code retry_interval} and {@code max_in_flight}:
   * what an operator who tuned nothing gets.
   */
  public static ProxiedDaemon startWithDefaults(
      TestDatabase db, int nodeCount, Duration shutdownTimeout) {
    return start(
        db,
        nodeCount,
        shutdownTimeout,
        hosts ->
            db.config(
                "cluster",
                hosts,
                DatabaseConfig.DEFAULT_CONNECT_TIMEOUT,
                DatabaseConfig.DEFAULT_LOOKUP_TIMEOUT,
                DatabaseConfig.DEFAULT_RETRY_INTERVAL,
                DatabaseConfig.DEFAULT_MAX_IN_FLIGHT));
  }

  private static ProxiedDaemon start(
      TestDatabase db,
      int nodeCount,
      Duration shutdownTimeout,
      Function<List<HostAndPort>, DatabaseConfig> clusterConfig) {
    List<FaultProxy> proxies = FaultProxy.startNodes(db.config().hosts().get(0), nodeCount);
    try {
      List<HostAndPort> hosts = proxies.stream().map(FaultProxy::hostAndPort).toList();
      DatabaseConfig cluster = clusterConfig.apply(hosts);
      Map<String, MapConfig> maps = new LinkedHashMap<>();
      addMap(maps, "kv", "SELECT v FROM kv WHERE k = '%s'");
      addMap(maps, "slow", slowQuery(db.type()));
      addMap(maps, "broken", "SELECT no_such_column FROM kv WHERE k = '%s'");
      SockmapdConfig config =
          new SockmapdConfig(
              List.of(new Endpoint.Inet("127.0.0.1", 0)),
              SockmapdConfig.DEFAULT_UNIX_SOCKET_MODE,
              Limits.defaults(),
              shutdownTimeout,
              Map.of(cluster.name(), cluster),
              maps,
              null);
      return new ProxiedDaemon(proxies, Daemon.start(config, Backends.DEFAULT));
    } catch (Exception e) {
      proxies.forEach(FaultProxy::close);
      throw new IllegalStateException("cannot start the daemon", e);
    }
  }

  private static void addMap(Map<String, MapConfig> maps, String name, String query) {
    maps.put(
        name,
        new MapConfig(
            name, "cluster", query, "%s", List.of(), 0, false, "", List.of(), null, true,
            List.of()));
  }

  private static String slowQuery(DatabaseType type) {
    double seconds = SLOW_QUERY.toMillis() / 1000.0;
    // CASE evaluates the sleep only for the matching row of a slow- key.
    return type == DatabaseType.POSTGRESQL
        ? "SELECT CASE WHEN left(k, 5) = 'slow-' THEN v || CAST(pg_sleep("
            + seconds
            + ") AS TEXT) ELSE v END FROM kv WHERE k = '%s'"
        : "SELECT CASE WHEN LEFT(k, 5) = 'slow-' THEN CONCAT(v, SLEEP("
            + seconds
            + ")) ELSE v END FROM kv WHERE k = '%s'";
  }

  /** Node {@code i} as the daemon names it in its log. */
  public String nodeName(int i) {
    return nodes.get(i).hostAndPort().toString();
  }

  /** A new client connection; every read waits at most {@code timeout}. */
  public BlockingSocketmapClient connect(Duration timeout) {
    try {
      return BlockingSocketmapClient.connect(address, timeout);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One request on a fresh connection. */
  public SocketmapResponse query(String map, String key) {
    try (BlockingSocketmapClient client = connect(Duration.ofSeconds(10))) {
      return client.query(map, key);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Heals every node, then stops the daemon (a no-op if a test stopped it already). Healing first
   * keeps teardown short: PostgreSQL pools on a hung node use up the daemon's close limits.
   */
  @Override
  public void close() {
    try {
      nodes.forEach(FaultProxy::forward);
      daemon.close();
    } finally {
      nodes.forEach(FaultProxy::close);
    }
  }
}
