package io.sockmapd.net;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.sockmapd.config.DatabaseConfig;
import io.sockmapd.config.Endpoint;
import io.sockmapd.config.ListenerConfig;
import io.sockmapd.config.SockmapdConfig;
import io.sockmapd.lookup.CacheControl;
import io.sockmapd.lookup.MapRegistry;
import io.sockmapd.metrics.DaemonMetrics;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.jspecify.annotations.Nullable;

/**
 * The socketmap listeners of one daemon: every endpoint of {@code listen} serves the configured
 * maps, and the optional {@code control_socket} serves only the admin commands. All share one event
 * loop group, one connection limit and one shutdown.
 */
public final class SocketmapServer implements AutoCloseable {
  private static final Logger LOG = LogManager.getLogger(SocketmapServer.class);

  /**
   * Replies queued per connection before it counts as not reading: a few typical replies, far below
   * what 10,000 connections may hold in total.
   */
  static final WriteBufferWaterMark WRITE_BUFFER_WATER_MARK =
      new WriteBufferWaterMark(16 * 1024, 64 * 1024);

  /**
   * One open listener.
   *
   * @param endpoint as configured
   * @param localAddress where it is bound (the real port when the configured one was 0)
   * @param control whether it is the control socket
   */
  public record Listener(Endpoint endpoint, SocketAddress localAddress, boolean control) {}

  private final SockmapdConfig config;
  private final Transport transport;
  private final ChannelDependencies dependencies;
  private final RequestDispatcher mapDispatcher;
  private final RequestDispatcher controlDispatcher;
  private final EventLoopGroup group;

  /** Whether {@link #group} is ours to shut down (false when it is borrowed). */
  private final boolean ownsGroup;

  private final List<Channel> serverChannels = new ArrayList<>();
  private final List<Listener> listeners = new ArrayList<>();
  private final List<Path> socketFiles = new ArrayList<>();
  private InheritedSockets inherited = InheritedSockets.NONE;
  private boolean closed;

  /** A server on the best transport of this machine. Call {@link #start()} next. */
  public SocketmapServer(SockmapdConfig config, MapRegistry maps, CacheControl cacheControl) {
    this(config, maps, cacheControl, DaemonMetrics.NONE);
  }

  /** As above, counting into {@code metrics}. */
  public SocketmapServer(
      SockmapdConfig config, MapRegistry maps, CacheControl cacheControl, DaemonMetrics metrics) {
    this(config, maps, cacheControl, Transport.best(), metrics);
  }

  public SocketmapServer(
      SockmapdConfig config, MapRegistry maps, CacheControl cacheControl, Transport transport) {
    this(config, maps, cacheControl, transport, DaemonMetrics.NONE);
  }

  private SocketmapServer(
      SockmapdConfig config,
      MapRegistry maps,
      CacheControl cacheControl,
      Transport transport,
      DaemonMetrics metrics) {
    this(
        config,
        maps,
        cacheControl,
        transport,
        new MultiThreadIoEventLoopGroup(
            Math.max(1, Runtime.getRuntime().availableProcessors()), transport.ioHandlerFactory()),
        null,
        metrics);
  }

  /**
   * A server on borrowed loops (the database client's), which it runs lookups on through {@code
   * loops} and never shuts down: close the server before the loops' owner.
   */
  public SocketmapServer(
      SockmapdConfig config, MapRegistry maps, CacheControl cacheControl, SharedEventLoops loops) {
    this(config, maps, cacheControl, loops, DaemonMetrics.NONE);
  }

  /** As above, counting into {@code metrics}. */
  public SocketmapServer(
      SockmapdConfig config,
      MapRegistry maps,
      CacheControl cacheControl,
      SharedEventLoops loops,
      DaemonMetrics metrics) {
    this(config, maps, cacheControl, loops.transport(), loops.group(), loops, metrics);
  }

  private SocketmapServer(
      SockmapdConfig config,
      MapRegistry maps,
      CacheControl cacheControl,
      Transport transport,
      EventLoopGroup group,
      @Nullable SharedEventLoops sharedLoops,
      DaemonMetrics metrics) {
    this.config = config;
    this.transport = transport;
    this.dependencies =
        ChannelDependencies.create(config.limits(), sharedLoops, lookupCapacity(config), metrics);
    this.mapDispatcher = new RequestDispatcher(maps, metrics);
    this.controlDispatcher = new RequestDispatcher(ControlCommands.registry(cacheControl));
    this.group = group;
    this.ownsGroup = sharedLoops == null;
  }

  /**
   * The smallest {@code max_in_flight} of the databases: more lookups than that at once, and some
   * database answers {@code TEMP}. Without databases (in-memory maps), the default.
   */
  private static int lookupCapacity(SockmapdConfig config) {
    return config.databases().values().stream()
        .mapToInt(DatabaseConfig::maxInFlight)
        .min()
        .orElse(DatabaseConfig.DEFAULT_MAX_IN_FLIGHT);
  }

  /**
   * Opens every listener. On failure everything opened so far is closed again and the exception
   * names the endpoint that failed.
   */
  public synchronized void start() throws ServerStartException {
    try {
      inherited = InheritedSockets.fromEnvironment();
      for (ListenerConfig listener : config.listeners()) {
        bind(listener, mapDispatcher, false);
      }
      Endpoint control = config.controlSocket();
      if (control != null) {
        bind(ListenerConfig.open(control), controlDispatcher, true);
      }
      for (InheritedSockets.Inherited unused : inherited.unclaimed()) {
        LOG.warn(
            "systemd passed a socket on {} (descriptor {}), which no listen entry names; ignored",
            unused.address(),
            unused.fd());
      }
    } catch (ServerStartException | RuntimeException e) {
      close(Duration.ZERO);
      throw e;
    }
  }

  /**
   * Opens more listeners while the others keep serving (a configuration reload): {@code endpoints}
   * serve the maps, {@code control} (if not null) the control commands. All or nothing: on failure
   * the listeners this call opened are closed again and the exception names the endpoint.
   */
  public synchronized void openListeners(List<ListenerConfig> endpoints, @Nullable Endpoint control)
      throws ServerStartException {
    if (closed) {
      throw new ServerStartException("the server is shutting down");
    }
    // Each endpoint is noted before its bind: one that fails half way is closed again too.
    List<Endpoint> attempted = new ArrayList<>();
    try {
      for (ListenerConfig listener : endpoints) {
        attempted.add(listener.endpoint());
        bind(listener, mapDispatcher, false);
      }
      if (control != null) {
        attempted.add(control);
        bind(ListenerConfig.open(control), controlDispatcher, true);
      }
    } catch (ServerStartException | RuntimeException e) {
      closeListeners(attempted);
      throw e;
    }
  }

  /**
   * Stops accepting on {@code endpoints} and removes their unix socket files; the connections
   * accepted there stay open and keep being served.
   */
  public synchronized void closeListeners(Collection<Endpoint> endpoints) {
    for (int i = listeners.size() - 1; i >= 0; i--) {
      Endpoint endpoint = listeners.get(i).endpoint();
      if (!endpoints.contains(endpoint)) {
        continue;
      }
      serverChannels.remove(i).close().awaitUninterruptibly(1, TimeUnit.SECONDS);
      listeners.remove(i);
      if (endpoint instanceof Endpoint.Unix unix && socketFiles.remove(unix.path())) {
        UnixSocketFiles.delete(unix.path());
      }
      LOG.info("stopped listening on {}", endpoint);
    }
  }

  private LookupProtocol protocol(ListenerConfig listener) {
    String policy = listener.policy();
    if (policy != null) {
      return LookupProtocol.policy(policy);
    }
    String tcpTableMap = listener.tcpTableMap();
    if (tcpTableMap != null) {
      return LookupProtocol.tcpTable(tcpTableMap);
    }
    String forwardMap = listener.forwardMap();
    int maxReplySize = dependencies.limits().maxReplySize();
    return forwardMap != null
        ? LookupProtocol.forwardingSocketmap(maxReplySize, forwardMap)
        : LookupProtocol.socketmap(maxReplySize);
  }

  private void bind(ListenerConfig listenerConfig, RequestDispatcher dispatcher, boolean control)
      throws ServerStartException {
    Endpoint endpoint = listenerConfig.endpoint();
    ClientAdmission admission = dependencies.admission(listenerConfig, control);
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(group)
            .childHandler(
                new SocketmapChannelInitializer(
                    dependencies, dispatcher, admission, protocol(listenerConfig)))
            .option(ChannelOption.SO_BACKLOG, 1024)
            // Over the high mark, the lookup handler stops reading from the connection.
            .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WRITE_BUFFER_WATER_MARK);
    InheritedSockets.Inherited adopted = inherited.take(endpoint);
    if (adopted != null) {
      adopt(endpoint, adopted, bootstrap, control);
      admission.warnIfOpenToOtherHosts(adopted.address());
      return;
    }
    SocketAddress address;
    Path socketFile = null;
    if (endpoint instanceof Endpoint.Unix unix) {
      socketFile = unix.path();
      UnixSocketFiles.removeStale(socketFile);
      bootstrap.channel(transport.unixChannel());
      address = transport.unixAddress(socketFile);
    } else {
      Endpoint.Inet inet = (Endpoint.Inet) endpoint;
      bootstrap.channel(transport.inetChannel()).childOption(ChannelOption.TCP_NODELAY, true);
      bootstrap.option(ChannelOption.SO_REUSEADDR, true);
      address = inetAddress(inet);
    }
    ChannelFuture bound = bootstrap.bind(address).awaitUninterruptibly();
    if (!bound.isSuccess()) {
      throw new ServerStartException(
          "cannot listen on " + endpoint + ": " + reason(bound.cause()), bound.cause());
    }
    Channel channel = bound.channel();
    serverChannels.add(channel);
    listeners.add(new Listener(endpoint, channel.localAddress(), control));
    if (socketFile != null) {
      socketFiles.add(socketFile);
      UnixSocketFiles.setGroup(socketFile, config.unixSocketGroup());
      UnixSocketFiles.setMode(socketFile, config.unixSocketMode());
    }
    admission.warnIfOpenToOtherHosts(channel.localAddress());
    LOG.info(
        "listening on {}{} ({}{})",
        endpoint,
        endpoint instanceof Endpoint.Inet inet && inet.port() == 0
            ? " as " + channel.localAddress()
            : "",
        transport.name().toLowerCase(java.util.Locale.ROOT),
        control ? ", control commands only" : "");
  }

  /**
   * Serves a socket systemd opened (socket activation): registered, not bound, since it already
   * listens; its file (for a unix socket) belongs to the socket unit, which sets its owner and mode
   * and removes it. Connections that arrive while the daemon restarts wait in its backlog.
   */
  private void adopt(
      Endpoint endpoint,
      InheritedSockets.Inherited adopted,
      ServerBootstrap bootstrap,
      boolean control)
      throws ServerStartException {
    ServerChannel channel = transport.adopt(adopted.fd(), adopted.unix());
    if (channel == null) {
      throw new ServerStartException(
          "cannot serve the socket systemd passed for "
              + endpoint
              + " on the "
              + transport.name().toLowerCase(java.util.Locale.ROOT)
              + " transport: socket activation needs the native epoll transport");
    }
    if (!adopted.unix()) {
      bootstrap.childOption(ChannelOption.TCP_NODELAY, true);
    }
    ChannelFuture registered = bootstrap.channelFactory(() -> channel).register();
    registered.awaitUninterruptibly();
    if (!registered.isSuccess()) {
      throw new ServerStartException(
          "cannot serve the socket systemd passed for "
              + endpoint
              + ": "
              + reason(registered.cause()),
          registered.cause());
    }
    serverChannels.add(channel);
    listeners.add(new Listener(endpoint, adopted.address(), control));
    LOG.info(
        "listening on {} (socket from systemd, descriptor {}{})",
        endpoint,
        adopted.fd(),
        control ? ", control commands only" : "");
  }

  private static SocketAddress inetAddress(Endpoint.Inet inet) throws ServerStartException {
    if (inet.host().isEmpty()) {
      return new InetSocketAddress(inet.port());
    }
    InetSocketAddress address = new InetSocketAddress(inet.host(), inet.port());
    if (address.isUnresolved()) {
      throw new ServerStartException(
          "cannot listen on " + inet + ": unknown host name " + inet.host());
    }
    return address;
  }

  private static String reason(@Nullable Throwable cause) {
    if (cause == null) {
      return "unknown error";
    }
    String message = cause.getMessage();
    if (message == null) {
      return cause.getClass().getSimpleName();
    }
    // Epoll says "bind(..) failed with error(-98): Address already in use"; keep the plain part.
    int colon = message.lastIndexOf("): ");
    return colon >= 0 ? message.substring(colon + 3) : message;
  }

  /** The open listeners, in configuration order. */
  public synchronized List<Listener> listeners() {
    return List.copyOf(listeners);
  }

  /** The port of the first inet listener serving maps; for tests and startup messages. */
  public synchronized int port() {
    for (Listener listener : listeners) {
      if (!listener.control() && listener.localAddress() instanceof InetSocketAddress inet) {
        return inet.getPort();
      }
    }
    throw new IllegalStateException("no inet listener");
  }

  /** Client connections open now. */
  public int openConnections() {
    return dependencies.connectionLimit().openConnections();
  }

  /** Bytes held now for half-received requests and unsent replies, against max_buffered_bytes. */
  public long bufferedBytes() {
    return dependencies.bufferBudget().usedBytes();
  }

  /** Connections closed since start because max_buffered_bytes was reached. */
  public long bufferBudgetEvictions() {
    return dependencies.bufferBudget().evictions();
  }

  /** Connections refused since start for {@code reason}: who the client is. */
  public long refusedConnections(RefusedConnections.Reason reason) {
    return dependencies.refusals().count(reason);
  }

  /** Reports every later refused connection to {@code recorder} too (metrics). */
  public void recordRefusalsTo(RefusedConnections.Recorder recorder) {
    dependencies.refusals().recordTo(recorder);
  }

  /**
   * Client connections accepted since start, including those refused for max_connections (but not
   * those refused for who the client is: see {@link #refusedConnections}).
   */
  public long acceptedConnections() {
    return dependencies.connectionLimit().acceptedConnections();
  }

  /**
   * Stops accepting, lets every connection finish the requests it has sent (reading for {@value
   * LookupHandler#DRAIN_GRACE_MILLIS} ms more, then nothing new) for up to {@code drainTimeout},
   * then closes all connections and the event loops. Blocks the calling thread (never call it on an
   * event loop) for a bounded time.
   */
  public synchronized void close(Duration drainTimeout) {
    if (closed) {
      return;
    }
    closed = true;
    for (Channel channel : serverChannels) {
      channel.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
    }
    ChannelGroup connections = dependencies.connectionLimit().channels();
    if (!connections.isEmpty()) {
      LOG.info("waiting up to {} for {} connections to finish", drainTimeout, connections.size());
      var drained = connections.newCloseFuture();
      connections.forEach(c -> c.pipeline().fireUserEventTriggered(LookupHandler.DRAIN));
      if (!drained.awaitUninterruptibly(drainTimeout.toMillis())) {
        LOG.warn(
            "{} connections still had lookups in flight after {}; closing them",
            connections.size(),
            drainTimeout);
      }
      connections.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
    }
    socketFiles.forEach(UnixSocketFiles::delete);
    if (ownsGroup) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
    }
  }

  /** {@link #close(Duration)} with the configured {@code shutdown_timeout}. */
  @Override
  public void close() {
    close(config.shutdownTimeout());
  }
}
