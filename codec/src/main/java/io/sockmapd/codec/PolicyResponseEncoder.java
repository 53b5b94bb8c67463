package io.sockmapd.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;

/**
 * Writes a {@link PolicyAction} as an SMTPD policy reply, {@code action=<action>\n\n}, in UTF-8.
 * The action was validated when it was made, so it is one line that Postfix acts on as it says. The
 * connection stays open for the next request: Postfix reuses it.
 */
public final class PolicyResponseEncoder extends MessageToMessageEncoder<PolicyAction> {

  private static final byte[] PREFIX = {'a', 'c', 't', 'i', 'o', 'n', '='};

  /** Creates an encoder. */
  public PolicyResponseEncoder() {
    super(PolicyAction.class);
  }

  @Override
  protected void encode(
      final ChannelHandlerContext ctx, final PolicyAction msg, final List<Object> out) {
    final String action = msg.toString();
    final int actionBytes = ByteBufUtil.utf8Bytes(action);
    final ByteBuf buf = ctx.alloc().ioBuffer(PREFIX.length + actionBytes + 2);
    buf.writeBytes(PREFIX);
    ByteBufUtil.reserveAndWriteUtf8(buf, action, actionBytes);
    buf.writeByte('\n');
    buf.writeByte('\n');
    out.add(buf);
  }
}
