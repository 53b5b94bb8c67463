package io.sockmapd.config;

import java.nio.file.Path;

/**
 * A listening address, written the way Postfix writes it: {@code inet:HOST:PORT} (IPv6 as {@code
 * inet:[::1]:PORT}) or {@code unix:/path}.
 */
public sealed interface Endpoint permits Endpoint.Inet, Endpoint.Unix {

  /** A TCP endpoint. An empty host or {@code *} means every address. */
  record Inet(String host, int port) implements Endpoint {
    @Override
    public String toString() {
      return "inet:" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
  }

  /** A unix-domain socket. */
  record Unix(Path path) implements Endpoint {
    @Override
    public String toString() {
      return "unix:" + path;
    }
  }

  /**
   * Parses {@code inet:HOST:PORT}, {@code inet:[V6]:PORT} or {@code unix:/path}.
   *
   * @throws IllegalArgumentException with a message fit for a config problem
   */
  public static Endpoint parse(String text) {
    if (text.startsWith("unix:")) {
      String path = text.substring("unix:".length());
      if (path.isEmpty() || !path.startsWith("/")) {
        throw new IllegalArgumentException("unix socket path must be absolute: " + text);
      }
      return new Unix(Path.of(path));
    }
    if (!text.startsWith("inet:")) {
      throw new IllegalArgumentException(
          "expected inet:HOST:PORT, inet:[IPV6]:PORT or unix:/path, got " + text);
    }
    String rest = text.substring("inet:".length());
    String host;
    String port;
    if (rest.startsWith("[")) {
      int close = rest.indexOf(']');
      if (close < 0 || close + 1 >= rest.length() || rest.charAt(close + 1) != ':') {
        throw new IllegalArgumentException("expected inet:[IPV6]:PORT, got " + text);
      }
      host = rest.substring(1, close);
      port = rest.substring(close + 2);
    } else {
      int colon = rest.lastIndexOf(':');
      if (colon < 0 || rest.substring(0, colon).indexOf(':') >= 0) {
        throw new IllegalArgumentException(
            "expected inet:HOST:PORT (IPv6 addresses in brackets), got " + text);
      }
      host = rest.substring(0, colon);
      port = rest.substring(colon + 1);
    }
    if ("*".equals(host)) {
      host = "";
    }
    return new Inet(host, parsePort(port, text));
  }

  private static int parsePort(String port, String text) {
    try {
      int value = Integer.parseInt(port);
      if (value >= 0 && value <= 65535 && !port.startsWith("+")) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("port must be a number from 0 to 65535 in " + text);
  }
}
