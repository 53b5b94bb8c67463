package io.sockmapd.codec;

import static java.util.Objects.requireNonNull;

import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.DecoderResultProvider;
import java.util.Objects;

/**
 * One socketmap request: a map name and a key, as sent by Postfix ({@code "%s %s"}) and Sendmail
 * ({@code "%u:%s %s,"}).
 *
 * <p>A request whose netstring was intact but whose payload could not be split into map name and
 * key has a failed {@link #decoderResult()}; its map name and key are empty. Such a request is
 * passed down the pipeline rather than thrown, so that the server can answer it in order and keep
 * the connection. Check {@code decoderResult().isSuccess()} before anything else.
 *
 * <p>Instances are immutable and hold no buffers, so there is nothing to release.
 */
public final class SocketmapRequest implements DecoderResultProvider {

  private final String mapName;
  private final String key;
  private final boolean keyValidUtf8;
  private final DecoderResult decoderResult;

  private SocketmapRequest(
      final String mapName,
      final String key,
      final boolean keyValidUtf8,
      final DecoderResult decoderResult) {
    this.mapName = mapName;
    this.key = key;
    this.keyValidUtf8 = keyValidUtf8;
    this.decoderResult = decoderResult;
  }

  /**
   * Creates a successfully decoded request whose key is valid UTF-8.
   *
   * @param mapName the map name; must not contain a space, since the payload is split at the first
   *     space
   * @param key the key; may be empty and may contain spaces, commas and colons
   * @return the request
   * @throws IllegalArgumentException if {@code mapName} contains a space
   */
  public static SocketmapRequest of(final String mapName, final String key) {
    return of(mapName, key, true);
  }

  /**
   * Creates a successfully decoded request.
   *
   * @param mapName the map name; must not contain a space, since the payload is split at the first
   *     space
   * @param key the key; if {@code keyValidUtf8} is {@code false} it holds U+FFFD replacement
   *     characters where the bytes were invalid
   * @param keyValidUtf8 whether the key bytes on the wire were valid UTF-8
   * @return the request
   * @throws IllegalArgumentException if {@code mapName} contains a space
   */
  public static SocketmapRequest of(
      final String mapName, final String key, final boolean keyValidUtf8) {
    requireNonNull(mapName, "mapName");
    requireNonNull(key, "key");
    if (mapName.indexOf(' ') >= 0) {
      throw new IllegalArgumentException("map name must not contain a space: \"" + mapName + '"');
    }
    return new SocketmapRequest(mapName, key, keyValidUtf8, DecoderResult.SUCCESS);
  }

  /**
   * Creates a request that could not be decoded although its framing was intact.
   *
   * @param cause why decoding failed; its message is suitable for the server log
   * @return a request with a failed {@link #decoderResult()} and empty map name and key
   */
  public static SocketmapRequest malformed(final Throwable cause) {
    requireNonNull(cause, "cause");
    return new SocketmapRequest("", "", false, DecoderResult.failure(cause));
  }

  /**
   * Returns the map name (the bytes before the first space, decoded as UTF-8 with replacement).
   *
   * @return the map name; empty if the request is malformed
   */
  public String mapName() {
    return mapName;
  }

  /**
   * Returns the key (all bytes after the first space, decoded as UTF-8).
   *
   * @return the key; empty if the request is malformed or the client sent an empty key
   */
  public String key() {
    return key;
  }

  /**
   * Tells whether the key bytes were valid UTF-8. If not, {@link #key()} holds U+FFFD replacement
   * characters and the server should answer "not found" rather than look up a mangled key.
   *
   * @return {@code true} only for a successfully decoded request with a valid UTF-8 key
   */
  public boolean isKeyValidUtf8() {
    return keyValidUtf8;
  }

  /**
   * Returns {@link DecoderResult#SUCCESS} or the failure of a malformed request.
   *
   * @return the decoder result, never {@code null}
   */
  @Override
  public DecoderResult decoderResult() {
    return decoderResult;
  }

  /**
   * Not supported: requests are immutable. Create a new one with {@link #malformed(Throwable)}.
   *
   * @throws UnsupportedOperationException always
   */
  @Override
  public void setDecoderResult(final DecoderResult result) {
    throw new UnsupportedOperationException("SocketmapRequest is immutable");
  }

  @Override
  public boolean equals(final Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof SocketmapRequest)) {
      return false;
    }
    final SocketmapRequest other = (SocketmapRequest) o;
    return keyValidUtf8 == other.keyValidUtf8
        && mapName.equals(other.mapName)
        && key.equals(other.key)
        && decoderResult.isSuccess() == other.decoderResult.isSuccess()
        && Objects.equals(decoderResult.cause(), other.decoderResult.cause());
  }

  @Override
  public int hashCode() {
    return Objects.hash(mapName, key, keyValidUtf8, decoderResult.isSuccess());
  }

  @Override
  public String toString() {
    if (decoderResult.isFailure()) {
      return "SocketmapRequest[malformed: " + decoderResult.cause().getMessage() + ']';
    }
    return "SocketmapRequest[mapName="
        + mapName
        + ", key="
        + key
        + (keyValidUtf8 ? "" : ", invalid UTF-8")
        + ']';
  }
}
