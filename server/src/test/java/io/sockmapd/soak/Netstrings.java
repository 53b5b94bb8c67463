package io.sockmapd.soak;

import io.sockmapd.codec.SocketmapResponse;
import io.sockmapd.codec.SocketmapStatus;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Replies read in one piece (up to end of input), split into socketmap replies. */
final class Netstrings {
  private Netstrings() {}

  /** Request frames for {@code map} and each key, one after the other. */
  static byte[] requests(String map, List<String> keys) {
    StringBuilder out = new StringBuilder();
    for (String key : keys) {
      String payload = map + " " + key;
      out.append(payload.getBytes(StandardCharsets.UTF_8).length)
          .append(':')
          .append(payload)
          .append(',');
    }
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The replies in {@code bytes}; a frame cut short at the end is left out (the caller compares
   * counts), a malformed one throws.
   */
  static List<SocketmapResponse> replies(byte[] bytes) {
    List<SocketmapResponse> replies = new ArrayList<>();
    int at = 0;
    while (at < bytes.length) {
      int colon = at;
      while (colon < bytes.length && bytes[colon] != ':') {
        colon++;
      }
      if (colon == bytes.length) {
        break;
      }
      int length = Integer.parseInt(new String(bytes, at, colon - at, StandardCharsets.US_ASCII));
      int end = colon + 1 + length;
      if (end >= bytes.length) {
        break;
      }
      if (bytes[end] != ',') {
        throw new IllegalStateException("missing ',' after a reply");
      }
      String payload = new String(bytes, colon + 1, length, StandardCharsets.UTF_8);
      int space = payload.indexOf(' ');
      replies.add(
          new SocketmapResponse(
              SocketmapStatus.valueOf(space < 0 ? payload : payload.substring(0, space)),
              space < 0 ? "" : payload.substring(space + 1)));
      at = end + 1;
    }
    return replies;
  }
}
