package io.sockmapd.benchmarks.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Socketmap's netstrings: {@code LEN:MAP KEY,} out, {@code LEN:STATUS DATA,} back. */
final class SocketmapWire implements WireFormat {
  private final int maxReply;

  SocketmapWire(int maxReply) {
    this.maxReply = maxReply;
  }

  @Override
  public byte[] request(String map, String key) {
    byte[] payload = (map + " " + key).getBytes(StandardCharsets.UTF_8);
    byte[] prefix = (payload.length + ":").getBytes(StandardCharsets.US_ASCII);
    byte[] request = Arrays.copyOf(prefix, prefix.length + payload.length + 1);
    System.arraycopy(payload, 0, request, prefix.length, payload.length);
    request[request.length - 1] = ',';
    return request;
  }

  @Override
  public String reply(byte[] data, int size) throws IOException {
    int colon = -1;
    for (int i = 0; i < size; i++) {
      if (data[i] == ':') {
        colon = i;
        break;
      }
    }
    if (colon < 0) {
      if (size > 7) {
        throw new IOException("bad reply length");
      }
      return null;
    }
    int length = Integer.parseInt(new String(data, 0, colon, StandardCharsets.US_ASCII).trim());
    if (length > maxReply) {
      throw new IOException("reply too long");
    }
    if (size < colon + 1 + length + 1) {
      return null;
    }
    if (data[colon + 1 + length] != ',') {
      throw new IOException("missing ',' after reply");
    }
    return new String(data, colon + 1, length, StandardCharsets.UTF_8);
  }
}
