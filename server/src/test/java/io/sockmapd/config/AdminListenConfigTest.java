package io.sockmapd.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The {@code admin_listen} and {@code admin_allow} keys, and the address ranges they take. */
class AdminListenConfigTest {
  private static SockmapdConfig parse(String extra) throws ConfigException {
    String text =
        "{\"listen\": [\"inet:127.0.0.1:8732\"],"
            + extra
            + "\"databases\": {\"main\": {\"type\": \"sqlite\", \"path\": \"maps.db\"}},"
            + "\"maps\": {\"users\": {\"database\": \"main\", \"query\": \"SELECT 1\"}}}";
    return new ConfigLoader(name -> null).parse(text, "test.json", Path.of("/etc/sockmapd"));
  }

  private static InetAddress ip(String literal) throws Exception {
    return InetAddress.getByName(literal);
  }

  @Test
  void absentMeansNoAdminListener() throws Exception {
    assertThat(parse("").admin()).isNull();
  }

  @Test
  void withoutAllowOnlyLoopbackClientsMayAsk() throws Exception {
    AdminListener admin = parse("\"admin_listen\": \"inet:0.0.0.0:9732\",").admin();
    assertThat(admin.endpoint()).isEqualTo(new Endpoint.Inet("0.0.0.0", 9732));
    assertThat(admin.allow()).isEqualTo(ClientAllowList.LOOPBACK);
    assertThat(admin.allows(ip("127.0.0.1"))).isTrue();
    assertThat(admin.allows(ip("127.3.2.1"))).isTrue();
    assertThat(admin.allows(ip("::1"))).isTrue();
    assertThat(admin.allows(ip("10.0.0.1"))).isFalse();
    assertThat(admin.allows(ip("::2"))).isFalse();
  }

  @Test
  void allowNamesTheClients() throws Exception {
    AdminListener admin =
        parse(
                "\"admin_listen\": \"inet:[::]:9732\","
                    + "\"admin_allow\": [\"10.1.0.0/16\", \"fd00::/8\", \"192.0.2.7\"],")
            .admin();
    assertThat(admin.allows(ip("10.1.255.3"))).isTrue();
    assertThat(admin.allows(ip("10.2.0.1"))).isFalse();
    assertThat(admin.allows(ip("fd12::1"))).isTrue();
    assertThat(admin.allows(ip("fe80::1"))).isFalse();
    assertThat(admin.allows(ip("192.0.2.7"))).isTrue();
    assertThat(admin.allows(ip("192.0.2.8"))).isFalse();
    // Loopback is not added to a list that leaves it out.
    assertThat(admin.allows(ip("127.0.0.1"))).isFalse();
  }

  @Test
  void reportsBadValuesWithTheirPaths() {
    assertThatThrownBy(() -> parse("\"admin_listen\": \"unix:/run/sockmapd/admin\","))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("$.admin_listen: must be inet:HOST:PORT");
    assertThatThrownBy(() -> parse("\"admin_listen\": \"inet:127.0.0.1:8732\","))
        .hasMessageContaining("$.admin_listen: clashes with the listener inet:127.0.0.1:8732");
    assertThatThrownBy(
            () ->
                parse(
                    "\"admin_listen\": \"inet:127.0.0.1:9732\","
                        + "\"admin_allow\": [\"10.0.0.0/33\"],"))
        .hasMessageContaining(
            "$.admin_allow: the prefix length of \"10.0.0.0/33\" must be a number from 0 to 32");
    assertThatThrownBy(
            () ->
                parse(
                    "\"admin_listen\": \"inet:127.0.0.1:9732\","
                        + "\"admin_allow\": [\"example.com\"],"))
        .hasMessageContaining("$.admin_allow: expected an IPv4 or IPv6 network");
    // The same checks as a listener's allow list: a typo never widens the range.
    assertThatThrownBy(
            () ->
                parse(
                    "\"admin_listen\": \"inet:127.0.0.1:9732\","
                        + "\"admin_allow\": [\"10.1.2.3/8\"],"))
        .hasMessageContaining("$.admin_allow: \"10.1.2.3/8\" has bits set after its prefix");
    assertThatThrownBy(
            () -> parse("\"admin_listen\": \"inet:127.0.0.1:9732\", \"admin_allow\": [],"))
        .hasMessageContaining("$.admin_allow: must list at least one network");
    assertThatThrownBy(() -> parse("\"admin_allow\": [\"10.0.0.0/8\"],"))
        .hasMessageContaining("$.admin_allow: needs admin_listen");
  }
}
