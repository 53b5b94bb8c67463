package io.sockmapd.config;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Who may connect to a listener: a list of IPv4 and IPv6 networks in CIDR notation ({@code
 * 192.0.2.0/24}, {@code 2001:db8::/32}; a bare address is one host). A client is allowed when its
 * address lies in any of them. An IPv4-mapped IPv6 address ({@code ::ffff:192.0.2.7}, as a
 * dual-stack socket may report an IPv4 client) is matched as the IPv4 address it holds.
 *
 * <p>Immutable and thread-safe; a value of the configuration that any listener (socketmap or admin)
 * can check its clients against.
 */
public final class ClientAllowList {
  /** Every loopback address, IPv4 and IPv6. */
  public static final ClientAllowList LOOPBACK = parse(List.of("127.0.0.0/8", "::1/128"));

  private final List<Network> networks;

  private ClientAllowList(List<Network> networks) {
    this.networks = List.copyOf(networks);
  }

  /**
   * Parses a list of networks.
   *
   * @throws IllegalArgumentException naming the first entry that is no network, or for an empty
   *     list
   */
  public static ClientAllowList parse(List<String> cidrs) {
    if (cidrs.isEmpty()) {
      throw new IllegalArgumentException(
          "must list at least one network (write [\"0.0.0.0/0\", \"::/0\"] to allow every client)");
    }
    List<Network> networks = new ArrayList<>();
    for (String cidr : cidrs) {
      networks.add(Network.parse(cidr));
    }
    return new ClientAllowList(networks);
  }

  /** Whether a client at {@code address} may connect. */
  public boolean allows(InetAddress address) {
    byte[] bytes = unmapped(address.getAddress());
    for (Network network : networks) {
      if (network.contains(bytes)) {
        return true;
      }
    }
    return false;
  }

  /** Whether the peer of a connection may connect; a peer that is not an IP address may not. */
  public boolean allows(@Nullable SocketAddress peer) {
    return peer instanceof InetSocketAddress inet
        && inet.getAddress() != null
        && allows(inet.getAddress());
  }

  /** The networks in CIDR notation, as normalised at parse ({@code 10.0.0.0/8}). */
  public List<String> networks() {
    return networks.stream().map(Network::toString).toList();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ClientAllowList list && list.networks().equals(networks());
  }

  @Override
  public int hashCode() {
    return networks().hashCode();
  }

  @Override
  public String toString() {
    return networks().toString();
  }

  /** The four IPv4 bytes of an IPv4-mapped IPv6 address; other addresses unchanged. */
  private static byte[] unmapped(byte[] address) {
    if (address.length != 16) {
      return address;
    }
    for (int i = 0; i < 10; i++) {
      if (address[i] != 0) {
        return address;
      }
    }
    if (address[10] != (byte) 0xff || address[11] != (byte) 0xff) {
      return address;
    }
    return Arrays.copyOfRange(address, 12, 16);
  }

  /** One network: its address bytes (host bits zero) and prefix length. */
  private static final class Network {
    private final byte[] address;
    private final int prefixLength;

    Network(byte[] address, int prefixLength) {
      this.address = address;
      this.prefixLength = prefixLength;
    }

    static Network parse(String text) {
      int slash = text.indexOf('/');
      String addressText = slash < 0 ? text : text.substring(0, slash);
      InetAddress address = IpLiteral.parse(addressText);
      if (address == null) {
        throw new IllegalArgumentException(
            "expected an IPv4 or IPv6 network such as 192.0.2.0/24 or 2001:db8::/32, got \""
                + text
                + "\"");
      }
      byte[] bytes = unmapped(address.getAddress());
      int bits = bytes.length * 8;
      int prefix = bits;
      if (slash >= 0) {
        String prefixText = text.substring(slash + 1);
        prefix = prefixText.matches("\\d{1,3}") ? Integer.parseInt(prefixText) : -1;
        if (prefix < 0 || prefix > bits) {
          throw new IllegalArgumentException(
              "the prefix length of \"" + text + "\" must be a number from 0 to " + bits);
        }
      }
      Network network = new Network(bytes, prefix);
      if (!Arrays.equals(network.masked(bytes), bytes)) {
        // A typo such as 10.1.0.0/8 would otherwise silently allow all of 10.0.0.0/8.
        throw new IllegalArgumentException(
            "\""
                + text
                + "\" has bits set after its prefix; write the network "
                + new Network(network.masked(bytes), prefix));
      }
      return network;
    }

    boolean contains(byte[] candidate) {
      if (candidate.length != address.length) {
        return false;
      }
      return Arrays.equals(masked(candidate), address);
    }

    private byte[] masked(byte[] bytes) {
      byte[] result = new byte[bytes.length];
      for (int i = 0; i < bytes.length; i++) {
        int bitsHere = Math.max(0, Math.min(8, prefixLength - i * 8));
        result[i] = (byte) (bytes[i] & (0xff << (8 - bitsHere)));
      }
      return result;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Network n
          && n.prefixLength == prefixLength
          && Arrays.equals(n.address, address);
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(address) + prefixLength;
    }

    @Override
    public String toString() {
      try {
        // RFC 5952's short form (2001:db8::/32), not the JDK's 2001:db8:0:0:0:0:0:0.
        return NetUtil.toAddressString(InetAddress.getByAddress(address)) + "/" + prefixLength;
      } catch (UnknownHostException e) {
        throw new IllegalStateException("a parsed address has 4 or 16 bytes", e);
      }
    }
  }
}
