package io.sockmapd.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import io.sockmapd.config.HostAndPort;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A TCP proxy for tests that puts network faults between a client and a real server (a database).
 * It listens on an ephemeral port of 127.0.0.1 and forwards to the target; the fault {@link Mode}
 * can be switched at any time and applies to existing and new connections.
 *
 * <p>All state lives on one Netty event loop thread, so the proxy needs no locks. Mode switches are
 * synchronous: when a switch method returns, the fault is in effect. Call them from a test thread,
 * never from an event loop (they wait). Buffering is bounded: a slow receiver stops reads from the
 * sender, and a black-holed connection stops reading altogether, so data waits in the kernel
 * buffers as it would on a dead network path.
 */
// Closes, writes and listener registrations are fire-and-forget here: a fault proxy has nobody to
// report a failed close of a test connection to, and waiting would block its only thread.
@SuppressWarnings("FutureReturnValueIgnored")
public final class FaultProxy implements AutoCloseable {

  /** What the proxy does to connections. */
  public enum Mode {
    /** Forward both ways. */
    FORWARD,
    /** Not listening (connects are refused); existing connections are closed. */
    REFUSE,
    /** Existing and new connections are reset (RST, SO_LINGER 0). */
    RESET,
    /**
     * New connections are accepted and never answered; existing ones stop forwarding both ways
     * without closing. Data is held, not dropped: a switch back resumes them like a healed path.
     */
    BLACKHOLE,
    /** Forward, holding each chunk back for {@link #delay()}. */
    DELAY
  }

  private static final int MAX_QUEUED_CHUNKS = 64;

  private final InetSocketAddress target;
  private final EventLoopGroup group;
  private final EventLoop loop;
  private final int port;
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicBoolean open = new AtomicBoolean(true);

  // Confined to the loop thread; volatile only so tests can read the current mode.
  private volatile Mode mode = Mode.FORWARD;
  private volatile Duration delay = Duration.ZERO;
  private @Nullable Channel server;
  private final Set<Relay> relays = new HashSet<>();

  private FaultProxy(InetSocketAddress target) {
    this.target = target;
    this.group =
        new MultiThreadIoEventLoopGroup(
            1, new DefaultThreadFactory("fault-proxy", true), NioIoHandler.newFactory());
    this.loop = group.next();
    try {
      Channel bound = onLoop(() -> listen(0)).channel();
      this.port = ((InetSocketAddress) bound.localAddress()).getPort();
    } catch (RuntimeException e) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
      throw e;
    }
  }

  /** Starts a proxy in {@link Mode#FORWARD} to {@code host:port}. */
  public static FaultProxy start(String host, int port) {
    // Unresolved: Netty resolves it when connecting.
    return new FaultProxy(InetSocketAddress.createUnresolved(host, port));
  }

  /** {@code count} proxies to {@code target}, e.g. the nodes of a test cluster. */
  public static List<FaultProxy> startNodes(HostAndPort target, int count) {
    List<FaultProxy> proxies = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        proxies.add(start(target.host(), target.port()));
      }
    } catch (RuntimeException e) {
      proxies.forEach(FaultProxy::close);
      throw e;
    }
    return proxies;
  }

  /** Where clients reach this proxy, as a database host entry. */
  public HostAndPort hostAndPort() {
    return new HostAndPort(host(), port());
  }

  /** The port the proxy listens on, on 127.0.0.1; stays the same across mode switches. */
  public int port() {
    return port;
  }

  public String host() {
    return "127.0.0.1";
  }

  /** {@link #host()} and {@link #port()} as a socket address. */
  public InetSocketAddress address() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
  }

  public Mode mode() {
    return mode;
  }

  /** The added latency per chunk in {@link Mode#DELAY}. */
  public Duration delay() {
    return delay;
  }

  /** Connections accepted since the start, in every mode. */
  public int acceptedConnections() {
    return accepted.get();
  }

  /** Back to normal: listens again if needed, resumes held connections. */
  public void forward() {
    switchTo(Mode.FORWARD, Duration.ZERO);
  }

  /** Stops listening and closes every connection. */
  public void refuse() {
    switchTo(Mode.REFUSE, Duration.ZERO);
  }

  /** Resets every connection, and every new one right after accepting it. */
  public void reset() {
    switchTo(Mode.RESET, Duration.ZERO);
  }

  /** Accepts but never answers; open connections go silent without closing. */
  public void blackhole() {
    switchTo(Mode.BLACKHOLE, Duration.ZERO);
  }

  /** Forwards with {@code latency} added to every chunk in both directions. */
  public void delay(Duration latency) {
    switchTo(Mode.DELAY, latency);
  }

  private void switchTo(Mode next, Duration latency) {
    onLoop(
        () -> {
          mode = next;
          delay = latency;
          List<Relay> current = new ArrayList<>(relays);
          switch (next) {
            case REFUSE -> {
              current.forEach(r -> r.close(false));
              return stopListening();
            }
            case RESET -> current.forEach(r -> r.close(true));
            case BLACKHOLE -> current.forEach(Relay::pause);
            case FORWARD, DELAY -> current.forEach(Relay::resume);
          }
          return server == null ? listen(port) : loop.<Void>newSucceededFuture(null);
        });
  }

  @Override
  public void close() {
    if (!open.compareAndSet(true, false)) {
      return;
    }
    try {
      mode = Mode.REFUSE;
      onLoop(
          () -> {
            new ArrayList<>(relays).forEach(r -> r.close(false));
            return stopListening();
          });
    } finally {
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  /** Runs {@code action} on the loop and waits for it and for the future it returns. */
  private <T extends Future<?>> T onLoop(Callable<T> action) {
    T result = loop.submit(action).syncUninterruptibly().getNow();
    result.syncUninterruptibly();
    return result;
  }

  private ChannelFuture listen(int onPort) {
    ChannelFuture bound =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.AUTO_READ, false)
            .childHandler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    accepted.incrementAndGet();
                    accept(ch);
                  }
                })
            .bind(InetAddress.getLoopbackAddress(), onPort);
    bound.addListener(f -> server = f.isSuccess() ? bound.channel() : null);
    return bound;
  }

  private Future<?> stopListening() {
    Channel s = server;
    server = null;
    return s == null ? loop.<Void>newSucceededFuture(null) : s.close();
  }

  private void accept(Channel client) {
    switch (mode) {
      case REFUSE -> client.close(); // accepted just before the listener closed
      case RESET -> resetAndClose(client);
      case FORWARD, DELAY, BLACKHOLE -> {
        Relay relay = new Relay(client);
        relays.add(relay);
        if (mode != Mode.BLACKHOLE) {
          relay.resume();
        }
      }
    }
  }

  private static void resetAndClose(Channel channel) {
    if (channel.isOpen()) {
      channel.config().setOption(ChannelOption.SO_LINGER, 0);
      channel.close();
    }
  }

  /** One proxied connection: the client's channel, the upstream channel and a pipe each way. */
  private final class Relay {
    private final Channel client;
    private @Nullable Channel upstream;
    private final Pipe toUpstream;
    private final Pipe toClient;
    private boolean connecting;
    private boolean closed;

    Relay(Channel client) {
      this.client = client;
      this.toUpstream = new Pipe(client);
      this.toClient = new Pipe(null);
      client.pipeline().addLast(new Reader(toUpstream));
      client
          .closeFuture()
          .addListener(
              f -> {
                toUpstream.sourceClosed();
                forgetIfBothClosed();
              });
    }

    /** Forwarding may run: connect upstream if not yet done, read both sides, send what waits. */
    void resume() {
      if (closed) {
        return;
      }
      if (upstream == null) {
        connectUpstream();
        return; // reading starts once connected
      }
      toUpstream.resume();
      toClient.resume();
    }

    void pause() {
      toUpstream.pause();
      toClient.pause();
    }

    private void connectUpstream() {
      if (connecting) {
        return;
      }
      connecting = true;
      ChannelFuture connect =
          new Bootstrap()
              .group(loop)
              .channel(NioSocketChannel.class)
              .option(ChannelOption.AUTO_READ, false)
              .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
              .handler(new Reader(toClient))
              .connect(target);
      connect.addListener(
          f -> {
            connecting = false;
            Channel ch = connect.channel();
            if (!f.isSuccess() || closed) {
              ch.close();
              client.close();
              return;
            }
            upstream = ch;
            toClient.source = ch;
            toUpstream.destination = ch;
            toClient.destination = client;
            ch.closeFuture()
                .addListener(
                    c -> {
                      toClient.sourceClosed();
                      forgetIfBothClosed();
                    });
            if (mode == Mode.FORWARD || mode == Mode.DELAY) {
              resume();
            }
          });
    }

    private void forgetIfBothClosed() {
      Channel up = upstream;
      if (!client.isOpen() && (up == null || !up.isOpen())) {
        close(false);
      }
    }

    void close(boolean reset) {
      closed = true;
      relays.remove(this);
      toUpstream.discard();
      toClient.discard();
      for (Channel ch : new Channel[] {client, upstream}) {
        if (ch == null) {
          continue;
        }
        if (reset) {
          resetAndClose(ch);
        } else {
          ch.close();
        }
      }
    }

    /** Hands what a channel reads to its pipe, and lets the pipe throttle it. */
    private final class Reader extends ChannelInboundHandlerAdapter {
      private final Pipe pipe;

      Reader(Pipe pipe) {
        this.pipe = pipe;
      }

      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closed || !(msg instanceof ByteBuf)) {
          ReferenceCountUtil.release(msg);
          return;
        }
        pipe.offer((ByteBuf) msg);
      }

      @Override
      public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // This channel is the destination of the other pipe.
        (pipe == toUpstream ? toClient : toUpstream).updateReading();
      }

      @Override
      public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
      }
    }

    /** One direction: chunks read from {@code source}, held until due, written to destination. */
    private final class Pipe {
      private @Nullable Channel source;
      private @Nullable Channel destination;
      private final ArrayDeque<ByteBuf> chunks = new ArrayDeque<>();
      private final ArrayDeque<Long> dueTimes = new ArrayDeque<>();
      private @Nullable ScheduledFuture<?> timer;
      private boolean paused = true;
      private boolean sourceClosed;

      Pipe(@Nullable Channel source) {
        this.source = source;
      }

      void offer(ByteBuf chunk) {
        chunks.add(chunk);
        dueTimes.add(System.nanoTime() + (mode == Mode.DELAY ? delay.toNanos() : 0));
        drain();
      }

      void pause() {
        paused = true;
        updateReading();
      }

      void resume() {
        paused = false;
        drain();
      }

      void sourceClosed() {
        sourceClosed = true;
        drain();
      }

      /** Writes every due chunk; closes the destination once the closed source's data is out. */
      private void drain() {
        Channel dest = destination;
        if (!paused && dest != null) {
          long now = System.nanoTime();
          boolean wrote = false;
          while (!chunks.isEmpty() && dueTimes.getFirst() - now <= 0) {
            dueTimes.removeFirst();
            dest.write(chunks.removeFirst());
            wrote = true;
          }
          if (wrote) {
            dest.flush();
          }
          if (!chunks.isEmpty() && timer == null) {
            timer =
                loop.schedule(
                    () -> {
                      timer = null;
                      drain();
                    },
                    dueTimes.getFirst() - now,
                    TimeUnit.NANOSECONDS);
          }
          if (sourceClosed && chunks.isEmpty()) {
            dest.close();
          }
        }
        updateReading();
      }

      /** Reads from the source only while forwarding and while the destination keeps up. */
      void updateReading() {
        Channel src = source;
        if (src == null || !src.isOpen()) {
          return;
        }
        Channel dest = destination;
        boolean read =
            !paused
                && !closed
                && chunks.size() < MAX_QUEUED_CHUNKS
                && (dest == null || dest.isWritable());
        if (src.config().isAutoRead() != read) {
          src.config().setAutoRead(read);
        }
      }

      void discard() {
        chunks.forEach(ReferenceCountUtil::release);
        chunks.clear();
        dueTimes.clear();
        if (timer != null) {
          timer.cancel(false);
          timer = null;
        }
      }
    }
  }
}
