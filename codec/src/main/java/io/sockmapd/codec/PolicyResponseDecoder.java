package io.sockmapd.codec;

import io.netty.channel.ChannelHandlerContext;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Client side: reads SMTPD policy replies into {@link PolicyAction}s, for tests and tools. Like
 * Postfix, it takes the first {@code action} attribute and ignores the others; unlike Postfix, it
 * also refuses an action that {@link PolicyAction#parse} refuses. A reply without a valid action
 * throws a {@link PolicyFormatException} (Postfix logs "missing attribute action", closes and
 * retries).
 */
public final class PolicyResponseDecoder extends AttributeListDecoder {

  /** Creates a decoder with the limits of {@link PolicyRequestDecoder}. */
  public PolicyResponseDecoder() {
    super(
        PolicyRequestDecoder.DEFAULT_MAX_LINE_LENGTH,
        PolicyRequestDecoder.DEFAULT_MAX_ATTRIBUTES,
        PolicyRequestDecoder.DEFAULT_MAX_REQUEST_LENGTH,
        FrameBudget.UNLIMITED);
  }

  @Override
  void decodeList(
      final ChannelHandlerContext ctx,
      final Map<String, String> attributes,
      final Set<String> invalidUtf8,
      final List<Object> out) {
    final String action = attributes.get("action");
    if (action == null) {
      throw new PolicyFormatException("missing attribute action in policy reply");
    }
    try {
      out.add(PolicyAction.parse(action));
    } catch (IllegalArgumentException e) {
      throw new PolicyFormatException(e.getMessage());
    }
  }

  @Override
  String listName() {
    return "reply";
  }
}
