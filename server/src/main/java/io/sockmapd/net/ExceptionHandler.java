package io.sockmapd.net;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Last handler of every connection. Ordinary network trouble (a reset by the peer, a closed
 * channel) is logged at DEBUG only, protocol violations go to {@link ProtocolViolations}, and
 * anything else is a bug: logged at ERROR with the client address. The connection is closed in
 * every case.
 */
@Sharable
final class ExceptionHandler extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LogManager.getLogger(ExceptionHandler.class);

  private final ProtocolViolations violations;

  ExceptionHandler(ProtocolViolations violations) {
    this.violations = violations;
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof DecoderException) {
      violations.disconnect(ctx.channel(), cause);
      return;
    }
    if (cause instanceof IOException) {
      // ClosedChannelException is an IOException, as are "Connection reset by peer" and
      // "Broken pipe" (native transports throw an IOException subclass for those too).
      LOG.debug(
          "network error on {}: {}",
          ctx.channel().remoteAddress(),
          cause instanceof ClosedChannelException ? "channel closed" : cause.getMessage());
    } else {
      LOG.error("unexpected error on connection from {}", ctx.channel().remoteAddress(), cause);
    }
    var unused = ctx.close();
  }
}
