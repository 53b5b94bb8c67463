package io.sockmapd.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/**
 * Client side: writes a {@link SocketmapRequest} as one netstring, {@code <len>:<mapname> <key>,},
 * the way Postfix and Sendmail do, with the length in UTF-8 bytes.
 *
 * <p>For tests, benchmarks and other clients of a socketmap server. A malformed request cannot be
 * written and fails the write with an {@link io.netty.handler.codec.EncoderException}.
 */
public final class SocketmapRequestEncoder extends MessageToByteEncoder<SocketmapRequest> {

  /** Creates an encoder. */
  public SocketmapRequestEncoder() {
    super(SocketmapRequest.class);
  }

  @Override
  protected ByteBuf allocateBuffer(
      final ChannelHandlerContext ctx, final SocketmapRequest msg, final boolean preferDirect) {
    if (msg.decoderResult().isFailure()) {
      throw new IllegalArgumentException("cannot encode a malformed request: " + msg);
    }
    return ctx.alloc()
        .ioBuffer(
            SocketmapCodecUtil.netstringLength(
                SocketmapCodecUtil.payloadLength(msg.mapName(), msg.key())));
  }

  @Override
  protected void encode(
      final ChannelHandlerContext ctx, final SocketmapRequest msg, final ByteBuf out) {
    SocketmapCodecUtil.writeNetstring(out, msg.mapName(), msg.key());
  }
}
