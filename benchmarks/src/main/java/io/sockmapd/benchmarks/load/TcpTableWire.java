package io.sockmapd.benchmarks.load;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Postfix's tcp_table lines: {@code get KEY\n} out, {@code 3DIGIT SP TEXT\n} back, both with
 * Postfix's {@code %XX} quoting. The listener serves one map, so the map name is not sent. Replies
 * are mapped onto socketmap's words by their first digit, as Postfix's dict_tcp dispatches.
 */
final class TcpTableWire implements WireFormat {
  /** Postfix's limit on a reply line, the newline included. */
  private static final int MAX_LINE = 4096;

  @Override
  public byte[] request(String map, String key) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(key.length() + 8);
    out.writeBytes("get ".getBytes(StandardCharsets.US_ASCII));
    for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      // As Postfix's hex_quote: '%', space, control and non-ASCII bytes become %XX (uppercase).
      if (c == '%' || c <= ' ' || c >= 0x7f) {
        out.write('%');
        out.write(Character.toUpperCase(Character.forDigit(c >> 4, 16)));
        out.write(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      } else {
        out.write(c);
      }
    }
    out.write('\n');
    return out.toByteArray();
  }

  @Override
  public String reply(byte[] data, int size) throws IOException {
    int newline = -1;
    for (int i = 0; i < size; i++) {
      if (data[i] == '\n') {
        newline = i;
        break;
      }
    }
    if (newline < 0) {
      if (size >= MAX_LINE) {
        throw new IOException("reply line longer than " + MAX_LINE + " bytes");
      }
      return null;
    }
    if (newline < 4
        || !isDigit(data[0])
        || !isDigit(data[1])
        || !isDigit(data[2])
        || !Character.isWhitespace(data[3])) {
      throw new IOException("malformed tcp_table reply");
    }
    String text = unquote(data, 4, newline);
    return switch (data[0]) {
      case '2' -> "OK " + text;
      case '5' -> "NOTFOUND ";
      case '4' -> "TEMP " + text;
      default -> "OTHER " + text;
    };
  }

  private static boolean isDigit(byte b) {
    return b >= '0' && b <= '9';
  }

  /** Postfix's hex_unquote: {@code %XX} in any case becomes the byte; anything else stays. */
  private static String unquote(byte[] data, int from, int to) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(to - from);
    for (int i = from; i < to; i++) {
      if (data[i] == '%') {
        int high = i + 2 < to ? Character.digit(data[i + 1], 16) : -1;
        int low = i + 2 < to ? Character.digit(data[i + 2], 16) : -1;
        if (high < 0 || low < 0) {
          throw new IOException("bad percent escape in tcp_table reply");
        }
        out.write(high << 4 | low);
        i += 2;
      } else {
        out.write(data[i]);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
