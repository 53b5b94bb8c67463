package io.sockmapd.codec;

/** Protocol limits used as defaults by the socketmap codecs. */
public final class SocketmapConstants {

  /**
   * Default maximum netstring payload of a request, in bytes.
   *
   * <p>Postfix 3.12 caps queries at 10000 bytes ({@code socketmap_max_query_size}), but Postfix 3.7
   * to 3.11 have no limit and were seen sending a 20000-byte key unchanged. A lower default would
   * turn such lookups into framing errors, so we accept as much as Postfix accepts in a reply.
   */
  public static final int DEFAULT_MAX_REQUEST_LENGTH = 100_000;

  /**
   * Default maximum netstring payload of a reply, in bytes.
   *
   * <p>This is the Postfix client limit ({@code socketmap_max_reply_size}, hard-coded before 3.10).
   * On a longer reply Postfix drops the connection and reports a soft error; Sendmail allows up to
   * 1000000 bytes.
   */
  public static final int DEFAULT_MAX_REPLY_LENGTH = 100_000;

  private SocketmapConstants() {}
}
