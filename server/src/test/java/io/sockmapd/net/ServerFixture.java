package io.sockmapd.net;

import io.sockmapd.ProductionEventLoops;
import io.sockmapd.config.Endpoint;
import io.sockmapd.config.Limits;
import io.sockmapd.config.SockmapdConfig;
import io.sockmapd.lookup.CacheControl;
import io.sockmapd.lookup.MapLookup;
import io.sockmapd.lookup.MapRegistry;
import io.sockmapd.lookup.NoCaches;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A real {@link SocketmapServer} on 127.0.0.1, an ephemeral port, with in-memory maps. With the
 * best transport it runs on the event loops the daemon uses in production (Vert.x's, see {@link
 * ProductionEventLoops}); a test that asks for another transport (NIO) gets a group of its own.
 */
public final class ServerFixture implements AutoCloseable {
  public static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(10);

  public final SocketmapServer server;
  private final @Nullable ProductionEventLoops loops;

  private ServerFixture(SocketmapServer server, @Nullable ProductionEventLoops loops) {
    this.server = server;
    this.loops = loops;
  }

  public static ServerFixture start(Map<String, MapLookup> maps) throws ServerStartException {
    return start(maps, Limits.defaults());
  }

  public static ServerFixture start(Map<String, MapLookup> maps, Limits limits)
      throws ServerStartException {
    return start(config(List.of(new Endpoint.Inet("127.0.0.1", 0)), limits, null), maps);
  }

  public static ServerFixture start(SockmapdConfig config, Map<String, MapLookup> maps)
      throws ServerStartException {
    return start(config, maps, NoCaches.INSTANCE, Transport.best());
  }

  public static ServerFixture start(
      SockmapdConfig config,
      Map<String, MapLookup> maps,
      CacheControl cacheControl,
      Transport transport)
      throws ServerStartException {
    ProductionEventLoops loops = null;
    SocketmapServer server;
    if (transport == Transport.best()) {
      loops = ProductionEventLoops.start();
      server = new SocketmapServer(config, new MapRegistry(maps), cacheControl, loops.loops());
    } else {
      server = new SocketmapServer(config, new MapRegistry(maps), cacheControl, transport);
    }
    try {
      server.start();
    } catch (ServerStartException | RuntimeException e) {
      server.close(Duration.ofSeconds(2));
      if (loops != null) {
        loops.close();
      }
      throw e;
    }
    return new ServerFixture(server, loops);
  }

  public static SockmapdConfig config(
      List<Endpoint> listen, Limits limits, @Nullable Endpoint controlSocket) {
    return new SockmapdConfig(
        listen, 0660, limits, Duration.ofSeconds(5), Map.of(), Map.of(), controlSocket);
  }

  /** Limits with one value changed. */
  public static Limits limits(int maxConnections, int maxPendingRequests, Duration idleTimeout) {
    return new Limits(
        Limits.DEFAULT_MAX_REQUEST_SIZE,
        Limits.DEFAULT_MAX_REPLY_SIZE,
        maxConnections,
        maxPendingRequests,
        idleTimeout,
        Limits.defaultMaxBufferedBytes(),
        Limits.FAIR_SHARE,
        Limits.UNLIMITED);
  }

  public BlockingSocketmapClient connect() throws IOException {
    return BlockingSocketmapClient.connect(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()), CLIENT_TIMEOUT);
  }

  @Override
  public void close() {
    server.close(Duration.ofSeconds(2));
    if (loops != null) {
      loops.close();
    }
  }
}
