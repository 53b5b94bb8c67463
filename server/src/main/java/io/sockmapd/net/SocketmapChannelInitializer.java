package io.sockmapd.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.timeout.IdleStateHandler;
import io.sockmapd.codec.NetstringFrameDecoder;
import io.sockmapd.codec.SocketmapRequestDecoder;
import io.sockmapd.codec.SocketmapResponseEncoder;
import java.util.concurrent.TimeUnit;

/**
 * Builds the pipeline of one client connection: connection limit, netstring framing, socketmap
 * request decoding, reply encoding, idle detection, lookups, and the tail exception handler.
 */
final class SocketmapChannelInitializer extends ChannelInitializer<Channel> {
  private final ChannelDependencies dependencies;
  private final RequestDispatcher dispatcher;

  /**
   * @param dispatcher the maps this listener serves (the control listener has its own)
   */
  SocketmapChannelInitializer(ChannelDependencies dependencies, RequestDispatcher dispatcher) {
    this.dependencies = dependencies;
    this.dispatcher = dispatcher;
  }

  @Override
  protected void initChannel(Channel channel) {
    var limits = dependencies.limits();
    ChannelPipeline pipeline = channel.pipeline();
    pipeline.addLast(ChannelHandlerNames.CONNECTION_LIMIT, dependencies.connectionLimit());
    pipeline.addLast(
        ChannelHandlerNames.NETSTRING_FRAME_DECODER,
        new NetstringFrameDecoder(limits.maxRequestSize()));
    pipeline.addLast(ChannelHandlerNames.SOCKETMAP_REQUEST_DECODER, new SocketmapRequestDecoder());
    pipeline.addLast(
        ChannelHandlerNames.SOCKETMAP_RESPONSE_ENCODER,
        new SocketmapResponseEncoder(limits.maxReplySize()));
    // Reads and writes both count as activity; the lookup handler ignores the event while
    // requests are in flight.
    pipeline.addLast(
        ChannelHandlerNames.IDLE_STATE_HANDLER,
        new IdleStateHandler(0, 0, limits.idleTimeout().toMillis(), TimeUnit.MILLISECONDS));
    pipeline.addLast(
        ChannelHandlerNames.LOOKUP_HANDLER,
        new LookupHandler(
            dispatcher,
            dependencies.violations(),
            limits.maxPendingRequests(),
            dependencies.sharedLoops()));
    pipeline.addLast(ChannelHandlerNames.EXCEPTION_HANDLER, dependencies.exceptionHandler());
  }
}
