package io.sockmapd.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Matching client addresses against {@code allow} networks. */
class ClientAllowListTest {
  private static InetAddress ip(String literal) throws Exception {
    return InetAddress.getByName(literal);
  }

  @Test
  void matchesIpv4AndIpv6NetworksAndSingleHosts() throws Exception {
    ClientAllowList allow =
        ClientAllowList.parse(List.of("192.0.2.0/24", "198.51.100.7", "2001:db8::/32", "::1"));

    assertThat(allow.allows(ip("192.0.2.0"))).isTrue();
    assertThat(allow.allows(ip("192.0.2.255"))).isTrue();
    assertThat(allow.allows(ip("192.0.3.0"))).isFalse();
    assertThat(allow.allows(ip("198.51.100.7"))).isTrue();
    assertThat(allow.allows(ip("198.51.100.8"))).isFalse();
    assertThat(allow.allows(ip("2001:db8:ffff::1"))).isTrue();
    assertThat(allow.allows(ip("2001:db9::1"))).isFalse();
    assertThat(allow.allows(ip("::1"))).isTrue();
    assertThat(allow.allows(ip("::2"))).isFalse();
    assertThat(allow.networks())
        .containsExactly("192.0.2.0/24", "198.51.100.7/32", "2001:db8::/32", "::1/128");
  }

  @Test
  void prefixesThatEndInsideAByteAndTheWholeRange() throws Exception {
    ClientAllowList allow = ClientAllowList.parse(List.of("10.0.0.0/9"));
    assertThat(allow.allows(ip("10.127.255.255"))).isTrue();
    assertThat(allow.allows(ip("10.128.0.0"))).isFalse();

    ClientAllowList everyone = ClientAllowList.parse(List.of("0.0.0.0/0", "::/0"));
    assertThat(everyone.allows(ip("203.0.113.9"))).isTrue();
    assertThat(everyone.allows(ip("2001:db8::9"))).isTrue();
  }

  @Test
  void anIpv4MappedIpv6ClientMatchesIpv4Networks() throws Exception {
    // As a dual-stack socket may report an IPv4 client: an Inet6Address holding ::ffff:a.b.c.d.
    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xff;
    mapped[11] = (byte) 0xff;
    mapped[12] = (byte) 192;
    mapped[13] = 0;
    mapped[14] = 2;
    mapped[15] = 7;
    InetAddress client = Inet6Address.getByAddress(null, mapped, -1);
    assertThat(client).isInstanceOf(Inet6Address.class);

    assertThat(ClientAllowList.parse(List.of("192.0.2.0/24")).allows(client)).isTrue();
    assertThat(ClientAllowList.parse(List.of("192.0.3.0/24")).allows(client)).isFalse();
    assertThat(ClientAllowList.parse(List.of("::/0")).allows(client)).isFalse();
  }

  @Test
  void aPeerThatIsNoIpAddressIsNotAllowed() throws Exception {
    ClientAllowList everyone = ClientAllowList.parse(List.of("0.0.0.0/0", "::/0"));
    assertThat(everyone.allows(new InetSocketAddress(ip("127.0.0.1"), 1))).isTrue();
    assertThat(everyone.allows(InetSocketAddress.createUnresolved("example.org", 1))).isFalse();
    assertThat(everyone.allows((java.net.SocketAddress) null)).isFalse();
  }

  @Test
  void badNetworksAreRejectedWithWhatWasWritten() {
    assertThatThrownBy(() -> ClientAllowList.parse(List.of()))
        .hasMessageContaining("must list at least one network")
        .hasMessageContaining("[\"0.0.0.0/0\", \"::/0\"]");
    assertThatThrownBy(() -> ClientAllowList.parse(List.of("mail.example.org")))
        .hasMessage(
            "expected an IPv4 or IPv6 network such as 192.0.2.0/24 or 2001:db8::/32, got"
                + " \"mail.example.org\"");
    assertThatThrownBy(() -> ClientAllowList.parse(List.of("300.1.1.1/32")))
        .hasMessageContaining("got \"300.1.1.1/32\"");
    assertThatThrownBy(() -> ClientAllowList.parse(List.of("10.0.0.0/33")))
        .hasMessage("the prefix length of \"10.0.0.0/33\" must be a number from 0 to 32");
    assertThatThrownBy(() -> ClientAllowList.parse(List.of("2001:db8::/129")))
        .hasMessage("the prefix length of \"2001:db8::/129\" must be a number from 0 to 128");
    assertThatThrownBy(() -> ClientAllowList.parse(List.of("10.0.0.0/")))
        .hasMessageContaining("must be a number from 0 to 32");
    // A typo that would silently allow more than meant.
    assertThatThrownBy(() -> ClientAllowList.parse(List.of("10.1.0.0/8")))
        .hasMessage("\"10.1.0.0/8\" has bits set after its prefix; write the network 10.0.0.0/8");
    assertThatThrownBy(() -> ClientAllowList.parse(List.of("2001:db8::1/32")))
        .hasMessageContaining("write the network 2001:db8::/32");
  }
}
