package io.sockmapd.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.DuplexChannelConfig;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/**
 * Builds the pipeline of one client connection, once its client is admitted: connection limit, the
 * listener's protocol codecs (socketmap, tcp_table or policy), idle detection, lookups, and the
 * tail exception handler.
 */
final class SocketmapChannelInitializer extends ChannelInitializer<Channel> {
  private final ChannelDependencies dependencies;
  private final RequestDispatcher dispatcher;
  private final ClientAdmission admission;
  private final LookupProtocol protocol;

  /**
   * @param dispatcher the maps and policies this listener serves (the control listener has its own)
   * @param admission who may use this listener
   * @param protocol what the listener speaks; stateless, shared by its connections
   */
  SocketmapChannelInitializer(
      ChannelDependencies dependencies,
      RequestDispatcher dispatcher,
      ClientAdmission admission,
      LookupProtocol protocol) {
    this.dependencies = dependencies;
    this.dispatcher = dispatcher;
    this.admission = admission;
    this.protocol = protocol;
  }

  @Override
  protected void initChannel(Channel channel) {
    // Decided before anything is built or reserved for the connection.
    ClientShares.Client client = admission.admit(channel);
    if (client == null) {
      return;
    }
    var limits = dependencies.limits();
    // A client that shuts only its sending side (socat, nc -N, health checks) still gets its
    // answers: the lookup handler drains on the input shutdown, then closes. Set on the config,
    // not as a child option: Netty's NIO unix-socket channel ignores ALLOW_HALF_CLOSURE there.
    if (channel.config() instanceof DuplexChannelConfig duplex) {
      duplex.setAllowHalfClosure(true);
    }
    ChannelPipeline pipeline = channel.pipeline();
    BufferBudget.Account buffers = dependencies.bufferBudget().open(channel);
    pipeline.addLast(ChannelHandlerNames.CONNECTION_LIMIT, dependencies.connectionLimit());
    protocol.addCodecs(pipeline, limits, buffers);
    // Reads and writes both count as activity; the lookup handler ignores the event while
    // requests are in flight.
    pipeline.addLast(
        ChannelHandlerNames.IDLE_STATE_HANDLER,
        new IdleStateHandler(0, 0, limits.idleTimeout().toMillis(), TimeUnit.MILLISECONDS));
    pipeline.addLast(
        ChannelHandlerNames.LOOKUP_HANDLER,
        new LookupHandler(
            protocol,
            dispatcher,
            dependencies.violations(),
            limits.maxPendingRequests(),
            dependencies.sharedLoops(),
            client,
            buffers,
            dependencies.oversizedReplies()));
    pipeline.addLast(ChannelHandlerNames.EXCEPTION_HANDLER, dependencies.exceptionHandler());
  }
}
