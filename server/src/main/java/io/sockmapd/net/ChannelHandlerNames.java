package io.sockmapd.net;

/** Names of the handlers in a client connection's pipeline, in pipeline order. */
public final class ChannelHandlerNames {
  /** Counts connections and closes those over {@code max_connections}. */
  public static final String CONNECTION_LIMIT = "connection_limit";

  /** Bytes to netstring payloads, bounded by {@code max_request_size}. */
  public static final String NETSTRING_FRAME_DECODER = "netstring_frame_decoder";

  /** Netstring payload to map name and key. */
  public static final String SOCKETMAP_REQUEST_DECODER = "socketmap_request_decoder";

  /** Reply to netstring, bounded by {@code max_reply_size}. */
  public static final String SOCKETMAP_RESPONSE_ENCODER = "socketmap_response_encoder";

  /** Signals connections that have been quiet for {@code idle_timeout}. */
  public static final String TCP_TABLE_REQUEST_DECODER = "tcp_table_request_decoder";

  public static final String TCP_TABLE_RESPONSE_ENCODER = "tcp_table_response_encoder";
  public static final String POLICY_REQUEST_DECODER = "policy_request_decoder";
  public static final String POLICY_RESPONSE_ENCODER = "policy_response_encoder";
  public static final String IDLE_STATE_HANDLER = "idle_state_handler";

  /** Dispatches requests to maps and writes the replies in request order. */
  public static final String LOOKUP_HANDLER = "lookup_handler";

  /** Last in the pipeline: logs what nobody handled and closes. */
  public static final String EXCEPTION_HANDLER = "exception_handler";

  private ChannelHandlerNames() {}
}
