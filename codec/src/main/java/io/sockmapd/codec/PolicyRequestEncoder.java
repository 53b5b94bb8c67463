package io.sockmapd.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;
import java.util.Map;

/**
 * Client side: writes a {@link PolicyRequest} the way Postfix's smtpd does, one {@code
 * name=value\n} line per attribute in order and an empty line, in UTF-8. For tests and tools.
 */
public final class PolicyRequestEncoder extends MessageToMessageEncoder<PolicyRequest> {

  /** Creates an encoder. */
  public PolicyRequestEncoder() {
    super(PolicyRequest.class);
  }

  @Override
  protected void encode(
      final ChannelHandlerContext ctx, final PolicyRequest msg, final List<Object> out) {
    int length = 1;
    for (final Map.Entry<String, String> e : msg.attributes().entrySet()) {
      length += ByteBufUtil.utf8Bytes(e.getKey()) + 1 + ByteBufUtil.utf8Bytes(e.getValue()) + 1;
    }
    final ByteBuf buf = ctx.alloc().ioBuffer(length);
    for (final Map.Entry<String, String> e : msg.attributes().entrySet()) {
      // Exact reservations: writeUtf8 would reserve three bytes a char and grow the buffer.
      ByteBufUtil.reserveAndWriteUtf8(buf, e.getKey(), ByteBufUtil.utf8Bytes(e.getKey()));
      buf.writeByte('=');
      ByteBufUtil.reserveAndWriteUtf8(buf, e.getValue(), ByteBufUtil.utf8Bytes(e.getValue()));
      buf.writeByte('\n');
    }
    buf.writeByte('\n');
    out.add(buf);
  }
}
