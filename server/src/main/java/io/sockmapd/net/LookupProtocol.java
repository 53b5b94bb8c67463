package io.sockmapd.net;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelPipeline;
import io.sockmapd.codec.FrameBudget;
import io.sockmapd.codec.NetstringFrameDecoder;
import io.sockmapd.codec.PolicyAction;
import io.sockmapd.codec.PolicyRequest;
import io.sockmapd.codec.PolicyRequestDecoder;
import io.sockmapd.codec.PolicyResponseEncoder;
import io.sockmapd.codec.SocketmapRequest;
import io.sockmapd.codec.SocketmapRequestDecoder;
import io.sockmapd.codec.SocketmapResponse;
import io.sockmapd.codec.SocketmapResponseEncoder;
import io.sockmapd.codec.SocketmapStatus;
import io.sockmapd.codec.TcpTableRequest;
import io.sockmapd.codec.TcpTableRequestDecoder;
import io.sockmapd.codec.TcpTableResponse;
import io.sockmapd.codec.TcpTableResponseEncoder;
import io.sockmapd.config.Limits;
import io.sockmapd.config.PolicyConfig;
import org.jspecify.annotations.Nullable;

/**
 * What differs between the protocols a listener speaks: the codecs in its pipeline, how a decoded
 * request becomes a lookup ({@link Lookup}: a map name and a key, or a policy and its attributes),
 * and how an outcome becomes a reply. Everything else (ordering, limits, back-pressure, budgets) is
 * {@link LookupHandler}'s, the same for all.
 *
 * <p>Outcomes travel through the handler in socketmap form ({@link SocketmapResponse}), which says
 * everything each protocol can say; a protocol translates at its edges.
 */
interface LookupProtocol {

  /** Adds the framing, request decoder and reply encoder to a new connection's pipeline. */
  void addCodecs(ChannelPipeline pipeline, Limits limits, FrameBudget buffers);

  /** {@code msg} as a lookup, or null when it is not one of this protocol's requests. */
  @Nullable Lookup lookup(Object msg);

  /** What the pipeline's encoder writes for {@code response}. */
  Object reply(SocketmapResponse response);

  /** The size of {@code response} as the encoder measures it against {@link #maxReplySize}. */
  int replySize(SocketmapResponse response);

  /** The largest reply the encoder writes; larger ones it replaces with a temporary error. */
  int maxReplySize();

  /** At most what the encoder allocates for a reply of {@code size} (within the limit). */
  long wireBytes(int size);

  /** Netstring-framed {@code MAPNAME KEY} requests, each naming its map. */
  static LookupProtocol socketmap(int maxReplySize) {
    return new Socketmap(maxReplySize, null);
  }

  /**
   * Netstring-framed {@code MAPNAME KEY} requests, all answered from {@code mapName}, which is
   * handed {@code "MAPNAME KEY"} (a map name has no space, so it splits them again): a
   * postfix-rest-connector {@code socketmap-lookup} endpoint answers every name it is asked.
   */
  static LookupProtocol forwardingSocketmap(int maxReplySize, String mapName) {
    return new Socketmap(maxReplySize, mapName);
  }

  /** Postfix's {@code get KEY} lines, all answered from {@code mapName}. */
  static LookupProtocol tcpTable(String mapName) {
    return new TcpTable(mapName);
  }

  /** Postfix's SMTPD policy requests, all answered by the policy {@code policyName}. */
  static LookupProtocol policy(String policyName) {
    return new PolicyDelegation(policyName);
  }

  /**
   * The socketmap protocol, whose requests and replies the handler uses as they are, or with every
   * request turned to {@code forwardTo}.
   */
  record Socketmap(int maxReplySize, @Nullable String forwardTo) implements LookupProtocol {
    @Override
    public void addCodecs(ChannelPipeline pipeline, Limits limits, FrameBudget buffers) {
      pipeline.addLast(
          ChannelHandlerNames.NETSTRING_FRAME_DECODER,
          new NetstringFrameDecoder(limits.maxRequestSize(), buffers));
      pipeline.addLast(
          ChannelHandlerNames.SOCKETMAP_REQUEST_DECODER, new SocketmapRequestDecoder());
      pipeline.addLast(
          ChannelHandlerNames.SOCKETMAP_RESPONSE_ENCODER,
          new SocketmapResponseEncoder(limits.maxReplySize()));
    }

    @Override
    public @Nullable Lookup lookup(Object msg) {
      if (!(msg instanceof SocketmapRequest request)) {
        return null;
      }
      if (forwardTo == null || request.decoderResult().isFailure()) {
        return Lookup.map(request);
      }
      return Lookup.map(
          SocketmapRequest.of(
              forwardTo, request.mapName() + " " + request.key(), request.isKeyValidUtf8()));
    }

    @Override
    public Object reply(SocketmapResponse response) {
      return response;
    }

    @Override
    public int replySize(SocketmapResponse response) {
      return SocketmapResponseEncoder.payloadLength(response);
    }

    @Override
    public long wireBytes(int size) {
      // The payload (or "TEMP reply too large" in its place, which is shorter than any limit)
      // plus at most 11 bytes of length, colon and comma.
      return Math.min(size, maxReplySize) + 11L;
    }
  }

  /**
   * Postfix's tcp_table protocol. Its requests carry no map name, so the listener's map is put in;
   * its reply lines have Postfix's own limit ({@code DICT_TCP_MAXLEN}), hex quoting included. A
   * malformed request (socketmap's {@code PERM}) and every failure are {@code 400}, since tcp_table
   * has no permanent error.
   */
  record TcpTable(String mapName) implements LookupProtocol {
    @Override
    public void addCodecs(ChannelPipeline pipeline, Limits limits, FrameBudget buffers) {
      pipeline.addLast(
          ChannelHandlerNames.TCP_TABLE_REQUEST_DECODER,
          new TcpTableRequestDecoder(limits.maxRequestSize(), buffers));
      pipeline.addLast(
          ChannelHandlerNames.TCP_TABLE_RESPONSE_ENCODER,
          new TcpTableResponseEncoder(maxReplySize()));
    }

    @Override
    public @Nullable Lookup lookup(Object msg) {
      if (!(msg instanceof TcpTableRequest request)) {
        return null;
      }
      if (request.decoderResult().isFailure()) {
        return Lookup.map(SocketmapRequest.malformed(request.decoderResult().cause()));
      }
      return Lookup.map(SocketmapRequest.of(mapName, request.key(), request.keyValidUtf8()));
    }

    @Override
    public Object reply(SocketmapResponse response) {
      return TcpTableResponse.of(response);
    }

    @Override
    public int replySize(SocketmapResponse response) {
      return TcpTableResponseEncoder.lineLength(TcpTableResponse.of(response));
    }

    @Override
    public int maxReplySize() {
      return TcpTableResponseEncoder.DEFAULT_MAX_REPLY_LENGTH;
    }

    @Override
    public long wireBytes(int size) {
      return Math.min(size, maxReplySize());
    }
  }

  /**
   * Postfix's SMTPD policy delegation ({@code check_policy_service}): attribute lists in, {@code
   * action=...} replies out, many requests on one connection. Each request is decided by the
   * listener's policy as it serves now (a reload swaps it). The policy answers every failure of its
   * rules with its own {@code on_error}; what is left here (a failure of sockmapd itself, a policy
   * a reload removed) is answered with the default {@code on_error}, never with a permit.
   */
  record PolicyDelegation(String policyName) implements LookupProtocol {
    /** Every reply fits: actions are at most a few KB, validated by the policy. */
    private static final int MAX_REPLY_SIZE = Integer.MAX_VALUE;

    @Override
    public void addCodecs(ChannelPipeline pipeline, Limits limits, FrameBudget buffers) {
      pipeline.addLast(
          ChannelHandlerNames.POLICY_REQUEST_DECODER,
          new PolicyRequestDecoder(
              PolicyRequestDecoder.DEFAULT_MAX_LINE_LENGTH,
              PolicyRequestDecoder.DEFAULT_MAX_ATTRIBUTES,
              // A request may be as large as a socketmap request, and no larger than its default.
              Math.max(limits.maxRequestSize(), PolicyRequestDecoder.DEFAULT_MAX_LINE_LENGTH),
              buffers));
      pipeline.addLast(ChannelHandlerNames.POLICY_RESPONSE_ENCODER, new PolicyResponseEncoder());
    }

    @Override
    public @Nullable Lookup lookup(Object msg) {
      return msg instanceof PolicyRequest request ? Lookup.policy(policyName, request) : null;
    }

    @Override
    public Object reply(SocketmapResponse response) {
      if (response.status() == SocketmapStatus.OK) {
        try {
          return PolicyAction.parse(response.text());
        } catch (IllegalArgumentException e) {
          // Validated by the policy already; never let anything else reach Postfix.
          return PolicyConfig.DEFAULT_ON_ERROR;
        }
      }
      return PolicyConfig.DEFAULT_ON_ERROR;
    }

    @Override
    public int replySize(SocketmapResponse response) {
      return "action=\n\n".length() + ByteBufUtil.utf8Bytes(response.text());
    }

    @Override
    public int maxReplySize() {
      return MAX_REPLY_SIZE;
    }

    @Override
    public long wireBytes(int size) {
      // The default on_error in place of a failure is shorter than any budget cares about.
      return Math.max(size, 64L);
    }
  }
}
