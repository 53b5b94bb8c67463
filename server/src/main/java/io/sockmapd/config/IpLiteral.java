package io.sockmapd.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * An IP address written as a literal ({@code 192.0.2.1}, {@code 2001:db8::1}), parsed without ever
 * asking DNS: {@link InetAddress#getByName} would look up anything that is not a valid literal, and
 * a config check must not wait on a resolver or depend on its answer.
 */
final class IpLiteral {
  private static final Pattern IPV4 =
      Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

  private IpLiteral() {}

  /** The address {@code text} spells, or null when it is no IPv4 or IPv6 literal. */
  static @Nullable InetAddress parse(String text) {
    var v4 = IPV4.matcher(text);
    if (v4.matches()) {
      byte[] bytes = new byte[4];
      for (int i = 0; i < 4; i++) {
        int octet = Integer.parseInt(v4.group(i + 1));
        if (octet > 255) {
          return null;
        }
        bytes[i] = (byte) octet;
      }
      return byAddress(bytes);
    }
    if (!IPV6.matcher(text).matches()) {
      return null;
    }
    try {
      // A string with ':' is only ever parsed as an IPv6 literal, never resolved.
      return InetAddress.getByName(text);
    } catch (UnknownHostException e) {
      return null;
    }
  }

  private static InetAddress byAddress(byte[] bytes) {
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("four bytes are always an address", e);
    }
  }

  /**
   * Whether {@code host}, as written in an {@code inet:} endpoint, can only be reached from this
   * machine: {@code localhost} or a loopback literal ({@code 127.x.x.x}, {@code ::1}). Any other
   * name counts as reachable from outside: it is not resolved here.
   */
  static boolean isLoopback(String host) {
    if (host.equals("localhost")) {
      return true;
    }
    InetAddress address = parse(host);
    return address != null && address.isLoopbackAddress();
  }
}
