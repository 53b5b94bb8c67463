package io.sockmapd.codec;

import static java.util.Objects.requireNonNull;

import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.DecoderResultProvider;

/**
 * One tcp_table request, {@code get <key>}, with the key unquoted.
 *
 * <p>A request that was framed (it ended with a newline, or went over the line limit) but could not
 * be parsed has a failed {@link #decoderResult()} and an empty key. It is passed down the pipeline
 * rather than thrown, so that the server can answer {@code 400} in order. Check {@code
 * decoderResult().isSuccess()} before anything else.
 *
 * <p>Immutable; holds no buffers.
 *
 * @param key the key, unquoted and decoded as UTF-8; if {@code keyValidUtf8} is {@code false} it
 *     holds U+FFFD where the bytes were invalid
 * @param keyValidUtf8 whether the unquoted key bytes were valid UTF-8
 * @param decoderResult {@link DecoderResult#SUCCESS} or why the request is malformed
 */
public record TcpTableRequest(String key, boolean keyValidUtf8, DecoderResult decoderResult)
    implements DecoderResultProvider {

  /**
   * Creates a request.
   *
   * @throws NullPointerException if an argument is {@code null}
   */
  public TcpTableRequest {
    requireNonNull(key, "key");
    requireNonNull(decoderResult, "decoderResult");
  }

  /**
   * Creates a successfully decoded request whose key is valid UTF-8.
   *
   * @param key the key; may be empty, and may contain anything but NUL
   * @return the request
   */
  public static TcpTableRequest of(final String key) {
    return of(key, true);
  }

  /**
   * Creates a successfully decoded request.
   *
   * @param key the key; if {@code keyValidUtf8} is {@code false} it holds U+FFFD where the bytes
   *     were invalid
   * @param keyValidUtf8 whether the key bytes on the wire were valid UTF-8
   * @return the request
   */
  public static TcpTableRequest of(final String key, final boolean keyValidUtf8) {
    return new TcpTableRequest(key, keyValidUtf8, DecoderResult.SUCCESS);
  }

  /**
   * Creates a request that could not be decoded.
   *
   * @param cause why; its message is suitable for the server log
   * @return a request with a failed {@link #decoderResult()} and an empty key
   */
  public static TcpTableRequest malformed(final Throwable cause) {
    return new TcpTableRequest("", false, DecoderResult.failure(requireNonNull(cause, "cause")));
  }

  /**
   * Not supported: requests are immutable.
   *
   * @throws UnsupportedOperationException always
   */
  @Override
  public void setDecoderResult(final DecoderResult result) {
    throw new UnsupportedOperationException("TcpTableRequest is immutable");
  }
}
