package io.sockmapd.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.sockmapd.codec.NetstringFrameDecoder;
import io.sockmapd.codec.SocketmapRequest;
import io.sockmapd.codec.SocketmapRequestEncoder;
import io.sockmapd.codec.SocketmapResponse;
import io.sockmapd.codec.SocketmapResponseDecoder;
import io.sockmapd.config.Endpoint;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnixDomainSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * A small synchronous socketmap client over TCP or a unix socket, built on the codec's client
 * pipeline ({@link NetstringFrameDecoder}, {@link SocketmapResponseDecoder}, {@link
 * SocketmapRequestEncoder}) on one NIO thread of its own. For the command line ({@code sockmapd
 * flush}), which waits for each reply: never use it on an event loop. Not thread-safe.
 */
public final class SocketmapClient implements AutoCloseable {
  /** Far above any reply a server should send; the frame decoder refuses more before buffering. */
  private static final int MAX_REPLY = 10_000_000;

  private final EventLoopGroup group;
  private final Channel channel;
  private final Replies replies;
  private final Duration timeout;

  private SocketmapClient(
      EventLoopGroup group, Channel channel, Replies replies, Duration timeout) {
    this.group = group;
    this.channel = channel;
    this.replies = replies;
    this.timeout = timeout;
  }

  /**
   * Connects to a configured endpoint (an empty inet host means this machine).
   *
   * @param timeout for the connection, and then for each reply
   * @throws IOException when the endpoint does not accept the connection in time
   */
  public static SocketmapClient connect(Endpoint endpoint, Duration timeout) throws IOException {
    SocketAddress address;
    Class<? extends Channel> channelType;
    if (endpoint instanceof Endpoint.Unix unix) {
      address = UnixDomainSocketAddress.of(unix.path());
      channelType = NioDomainSocketChannel.class;
    } else {
      Endpoint.Inet inet = (Endpoint.Inet) endpoint;
      address =
          new InetSocketAddress(inet.host().isEmpty() ? "127.0.0.1" : inet.host(), inet.port());
      channelType = NioSocketChannel.class;
    }
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    Replies replies = new Replies();
    try {
      ChannelFuture connected =
          new Bootstrap()
              .group(group)
              .channel(channelType)
              .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, timeout.toMillis()))
              .handler(
                  new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                      ch.pipeline()
                          .addLast(
                              new NetstringFrameDecoder(MAX_REPLY),
                              new SocketmapResponseDecoder(),
                              new SocketmapRequestEncoder(),
                              replies);
                    }
                  })
              .connect(address);
      // The connect timeout option ends the attempt; the wait is bounded once more regardless.
      if (!connected.awaitUninterruptibly(timeout.toMillis() + 1000)) {
        throw new SocketTimeoutException("could not connect within " + timeout.toMillis() + " ms");
      }
      if (!connected.isSuccess()) {
        Throwable cause = connected.cause();
        throw new IOException(cause.getMessage(), cause);
      }
      return new SocketmapClient(group, connected.channel(), replies, timeout);
    } catch (IOException | RuntimeException e) {
      shutdown(group);
      throw e;
    }
  }

  /**
   * Sends one request and waits for its reply.
   *
   * @throws SocketTimeoutException when no reply came within the timeout
   * @throws EOFException when the server closed the connection first
   * @throws IOException when the reply is not a socketmap reply, or the connection failed
   */
  public SocketmapResponse query(String mapName, String key) throws IOException {
    CompletableFuture<SocketmapResponse> reply = replies.expect();
    channel
        .writeAndFlush(SocketmapRequest.of(mapName, key))
        .addListener(
            written -> {
              if (!written.isSuccess()) {
                reply.completeExceptionally(written.cause());
              }
            });
    try {
      return reply.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new SocketTimeoutException("no reply within " + timeout.toMillis() + " ms");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof IOException io ? io : new IOException(cause.getMessage(), cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for a reply");
    }
  }

  @Override
  public void close() {
    channel.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
    shutdown(group);
  }

  private static void shutdown(EventLoopGroup group) {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
  }

  /** Hands each reply to the oldest request still waiting, as replies come in request order. */
  private static final class Replies extends SimpleChannelInboundHandler<SocketmapResponse> {
    private final Queue<CompletableFuture<SocketmapResponse>> waiting = new ArrayDeque<>();
    private @Nullable IOException closed;

    /** A reply to wait for, failed at once if the connection is gone already. */
    synchronized CompletableFuture<SocketmapResponse> expect() {
      CompletableFuture<SocketmapResponse> reply = new CompletableFuture<>();
      if (closed != null) {
        reply.completeExceptionally(closed);
      } else {
        waiting.add(reply);
      }
      return reply;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, SocketmapResponse response) {
      CompletableFuture<SocketmapResponse> reply;
      synchronized (this) {
        reply = waiting.poll();
      }
      if (reply != null) {
        reply.complete(response);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      failAll(new IOException("bad reply: " + cause.getMessage(), cause));
      var unused = ctx.close(); // failAll has told every waiting request
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      failAll(new EOFException("connection closed by the server"));
    }

    private void failAll(IOException failure) {
      Queue<CompletableFuture<SocketmapResponse>> failed;
      synchronized (this) {
        if (closed == null) {
          closed = failure;
        }
        failed = new ArrayDeque<>(waiting);
        waiting.clear();
      }
      failed.forEach(reply -> reply.completeExceptionally(failure));
    }
  }
}
