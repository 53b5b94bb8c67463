package io.sockmapd.net;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.sockmapd.config.Endpoint;
import io.sockmapd.config.SockmapdConfig;
import io.sockmapd.lookup.CacheControl;
import io.sockmapd.lookup.MapRegistry;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
  private boolean closed;

  /** A server on the best transport of this machine. Call {@link #start()} next. */
  public SocketmapServer(SockmapdConfig config, MapRegistry maps, CacheControl cacheControl) {
    this(config, maps, cacheControl, Transport.best());
  }

  public SocketmapServer(
      SockmapdConfig config, MapRegistry maps, CacheControl cacheControl, Transport transport) {
    this(
        config,
        maps,
        cacheControl,
        transport,
        new MultiThreadIoEventLoopGroup(
            Math.max(1, Runtime.getRuntime().availableProcessors()), transport.ioHandlerFactory()),
        null);
  }

  /**
   * A server on borrowed loops (the database client's), which it runs lookups on through {@code
   * loops} and never shuts down: close the server before the loops' owner.
   */
  public SocketmapServer(
      SockmapdConfig config, MapRegistry maps, CacheControl cacheControl, SharedEventLoops loops) {
    this(config, maps, cacheControl, loops.transport(), loops.group(), loops);
  }

  private SocketmapServer(
      SockmapdConfig config,
      MapRegistry maps,
      CacheControl cacheControl,
      Transport transport,
      EventLoopGroup group,
      @Nullable SharedEventLoops sharedLoops) {
    this.config = config;
    this.transport = transport;
    this.dependencies = ChannelDependencies.create(config.limits(), sharedLoops);
    this.mapDispatcher = new RequestDispatcher(maps);
    this.controlDispatcher = new RequestDispatcher(ControlCommands.registry(cacheControl));
    this.group = group;
    this.ownsGroup = sharedLoops == null;
  }

  /**
   * Opens every listener. On failure everything opened so far is closed again and the exception
   * names the endpoint that failed.
   */
  public synchronized void start() throws ServerStartException {
    try {
      for (Endpoint endpoint : config.listen()) {
        bind(endpoint, mapDispatcher, false);
      }
      Endpoint control = config.controlSocket();
      if (control != null) {
        bind(control, controlDispatcher, true);
      }
    } catch (ServerStartException | RuntimeException e) {
      close(Duration.ZERO);
      throw e;
    }
  }

  private void bind(Endpoint endpoint, RequestDispatcher dispatcher, boolean control)
      throws ServerStartException {
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(group)
            .childHandler(new SocketmapChannelInitializer(dependencies, dispatcher))
            .option(ChannelOption.SO_BACKLOG, 1024);
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
    if (socketFile != null) {
      socketFiles.add(socketFile);
      UnixSocketFiles.setMode(socketFile, config.unixSocketMode());
    }
    Listener listener = new Listener(endpoint, channel.localAddress(), control);
    listeners.add(listener);
    LOG.info(
        "listening on {}{} ({}{})",
        endpoint,
        endpoint instanceof Endpoint.Inet inet && inet.port() == 0
            ? " as " + channel.localAddress()
            : "",
        transport.name().toLowerCase(java.util.Locale.ROOT),
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

  /** Client connections accepted since start, including those refused for the limit. */
  public long acceptedConnections() {
    return dependencies.connectionLimit().acceptedConnections();
  }

  /**
   * Stops accepting, lets every connection finish the requests it has sent (reading nothing new)
   * for up to {@code drainTimeout}, then closes all connections and the event loops. Blocks the
   * calling thread (never call it on an event loop) for a bounded time.
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
