package io.sockmapd.codec;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;

/**
 * Client side: writes a {@link TcpTableRequest} as {@code get <quoted key>\n}, quoted the way
 * Postfix's client does (upper-case {@code %XX}). For tests and tools. A malformed request cannot
 * be written and fails the write with an {@link io.netty.handler.codec.EncoderException}.
 */
public final class TcpTableRequestEncoder extends MessageToMessageEncoder<TcpTableRequest> {

  /** Creates an encoder. */
  public TcpTableRequestEncoder() {
    super(TcpTableRequest.class);
  }

  @Override
  protected void encode(
      final ChannelHandlerContext ctx, final TcpTableRequest msg, final List<Object> out) {
    if (msg.decoderResult().isFailure()) {
      throw new IllegalArgumentException("cannot encode a malformed request: " + msg);
    }
    final byte[] key = msg.key().getBytes(UTF_8);
    final ByteBuf buf = ctx.alloc().ioBuffer(4 + HexQuote.quotedLength(key) + 1);
    buf.writeBytes(new byte[] {'g', 'e', 't', ' '});
    HexQuote.quote(key, buf);
    buf.writeByte('\n');
    out.add(buf);
  }
}
