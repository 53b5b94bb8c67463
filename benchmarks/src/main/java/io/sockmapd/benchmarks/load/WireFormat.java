package io.sockmapd.benchmarks.load;

import java.io.IOException;

/**
 * How the load generator writes a request and reads a reply of one lookup protocol. Both formats
 * are written by hand here, independently of the codec under test, so that a codec bug shows as
 * wrong answers instead of cancelling itself out.
 */
interface WireFormat {
  /** The bytes of one request for KEY in MAP. */
  byte[] request(String map, String key);

  /**
   * Returns the reply in socketmap's words ({@code OK value}, {@code NOTFOUND }, {@code TEMP …})
   * once a whole reply has arrived in {@code data[0, size)}, else null; the same expected-reply
   * column of the key file then checks every protocol.
   *
   * @throws IOException when the bytes cannot be a valid reply
   */
  String reply(byte[] data, int size) throws IOException;
}
