package io.sockmapd.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.sockmapd.log.LogThrottle;
import io.sockmapd.metrics.DaemonMetrics;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * First handler of every client connection: keeps at most {@code max_connections} open and closes
 * any further one as soon as it is accepted, with a throttled WARN line. It also keeps the group of
 * open connections, which shutdown uses to drain and close them.
 */
@Sharable
final class ConnectionLimitHandler extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LogManager.getLogger(ConnectionLimitHandler.class);

  private final int maxConnections;
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicLong accepted = new AtomicLong();
  private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final LogThrottle rejectionLog;
  private final DaemonMetrics metrics;

  ConnectionLimitHandler(int maxConnections, DaemonMetrics metrics) {
    this.maxConnections = maxConnections;
    this.metrics = metrics;
    this.rejectionLog = new LogThrottle(Duration.ofSeconds(10), "max_connections", metrics);
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    Channel channel = ctx.channel();
    accepted.incrementAndGet();
    if (open.incrementAndGet() > maxConnections) {
      open.decrementAndGet();
      metrics.rejected(DaemonMetrics.Rejection.MAX_CONNECTIONS);
      long suppressed = rejectionLog.tryAcquire();
      if (suppressed >= 0) {
        LOG.warn(
            "max_connections ({}) reached: closed new connection from {}{}",
            maxConnections,
            channel.remoteAddress(),
            suppressed > 0 ? " (and " + suppressed + " more since the last message)" : "");
      }
      var unused = channel.close();
      return;
    }
    var unused = channel.closeFuture().addListener(f -> open.decrementAndGet());
    channels.add(channel);
    ctx.fireChannelActive();
  }

  /** Connections open now (not counting those refused). */
  int openConnections() {
    return open.get();
  }

  /** Connections accepted since start, including those closed at once for the limit. */
  long acceptedConnections() {
    return accepted.get();
  }

  /** The open connections; closed ones leave the group by themselves. */
  ChannelGroup channels() {
    return channels;
  }
}
