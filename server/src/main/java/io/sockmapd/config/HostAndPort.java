package io.sockmapd.config;

/**
 * One database node as written in a config host list: {@code host}, {@code host:port} or {@code
 * [v6]:port}.
 */
public record HostAndPort(String host, int port) {
  @Override
  public String toString() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }

  static HostAndPort parse(String text, int defaultPort) {
    String host = text;
    String port = null;
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException("missing ']' in " + text);
      }
      host = text.substring(1, close);
      if (close + 1 < text.length()) {
        if (text.charAt(close + 1) != ':') {
          throw new IllegalArgumentException("expected [V6]:PORT, got " + text);
        }
        port = text.substring(close + 2);
      }
    } else if (text.indexOf(':') >= 0) {
      int colon = text.lastIndexOf(':');
      if (text.indexOf(':') != colon) {
        throw new IllegalArgumentException("IPv6 addresses go in brackets: [" + text + "]");
      }
      host = text.substring(0, colon);
      port = text.substring(colon + 1);
    }
    if (host.isEmpty()) {
      throw new IllegalArgumentException("empty host name in " + text);
    }
    if (port == null) {
      return new HostAndPort(host, defaultPort);
    }
    try {
      int value = Integer.parseInt(port);
      if (value > 0 && value <= 65535 && !port.startsWith("+")) {
        return new HostAndPort(host, value);
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("port must be a number from 1 to 65535 in " + text);
  }
}
