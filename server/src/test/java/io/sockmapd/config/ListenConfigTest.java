package io.sockmapd.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code listen} entries as strings and objects, {@code allow} lists, the secure default, and
 * {@code unix_socket_group}.
 */
class ListenConfigTest {
  private static SockmapdConfig parse(String listen, String extra) throws ConfigException {
    String text =
        "{\"listen\": "
            + listen
            + ","
            + extra
            + "\"databases\": {\"main\": {\"type\": \"sqlite\", \"path\": \"maps.db\"}},"
            + "\"maps\": {\"users\": {\"database\": \"main\", \"query\": \"SELECT 1\"}}}";
    return new ConfigLoader(name -> null).parse(text, "test.json", Path.of("/etc/sockmapd"));
  }

  private static ClientAllowList allow(String... cidrs) {
    return ClientAllowList.parse(List.of(cidrs));
  }

  @Test
  void stringsAndObjectsMixAndEachObjectMayHaveItsOwnList() throws Exception {
    SockmapdConfig config =
        parse(
            "[\"inet:127.0.0.1:8732\", {\"address\": \"inet:0.0.0.0:8733\","
                + " \"allow\": [\"192.0.2.0/24\", \"2001:db8::/32\"]},"
                + " {\"address\": \"unix:/run/sockmapd/s\"}]",
            "");

    assertThat(config.listeners())
        .containsExactly(
            new ListenerConfig(new Endpoint.Inet("127.0.0.1", 8732), null),
            new ListenerConfig(
                new Endpoint.Inet("0.0.0.0", 8733), allow("192.0.2.0/24", "2001:db8::/32")),
            new ListenerConfig(new Endpoint.Unix(Path.of("/run/sockmapd/s")), null));
    assertThat(config.listen()).hasSize(3);
  }

  @Test
  void theTopLevelListIsTheDefaultOfEveryInetListenerWithoutItsOwn() throws Exception {
    SockmapdConfig config =
        parse(
            "[\"inet::8732\", \"inet:127.0.0.1:8733\", {\"address\": \"inet:[::]:8734\","
                + " \"allow\": [\"2001:db8::/32\"]}, \"unix:/run/sockmapd/s\"]",
            "\"allow\": [\"10.0.0.0/8\"],");

    assertThat(config.listeners())
        .extracting(ListenerConfig::allow)
        .containsExactly(allow("10.0.0.0/8"), allow("10.0.0.0/8"), allow("2001:db8::/32"), null);
  }

  @Test
  void aListenerOtherHostsCanReachNeedsAnAllowList() {
    for (String open :
        List.of(
            "inet::8732",
            "inet:*:8732",
            "inet:0.0.0.0:8732",
            "inet:[::]:8732",
            "inet:192.0.2.1:8732",
            "inet:mail.example.org:8732")) {
      assertThatThrownBy(() -> parse("[\"" + open + "\"]", ""))
          .as(open)
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("$.listen: inet:")
          .hasMessageContaining("can be reached from other hosts and has no allow list")
          .hasMessageContaining(
              "write \"allow\": [\"0.0.0.0/0\", \"::/0\"] to accept every client");
    }
  }

  @Test
  void loopbackListenersNeedNoList() throws Exception {
    SockmapdConfig config =
        parse(
            "[\"inet:127.0.0.1:8732\", \"inet:127.0.0.2:8733\", \"inet:[::1]:8734\","
                + " \"inet:localhost:8735\"]",
            "");
    assertThat(config.listeners()).extracting(ListenerConfig::allow).containsOnlyNulls();
  }

  @Test
  void anExplicitOpenListAcceptsEveryClientOnPurpose() throws Exception {
    SockmapdConfig config =
        parse("[{\"address\": \"inet::8732\", \"allow\": [\"0.0.0.0/0\", \"::/0\"]}]", "");
    assertThat(config.listeners().get(0).allow()).isEqualTo(allow("0.0.0.0/0", "::/0"));
  }

  @Test
  void badEntriesAreReportedWithTheirPath() {
    assertThatThrownBy(
            () ->
                parse(
                    "[{\"address\": \"unix:/run/s\", \"allow\": [\"10.0.0.0/8\"]},"
                        + " {\"address\": \"inet::1\", \"allow\": [\"10.1.0.0/8\"]},"
                        + " {\"allow\": []}, {\"address\": \"inet:127.0.0.1:1\", \"protocl\": 1},"
                        + " 42, \"tcp:x\"]",
                    "\"allow\": \"nope\","))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "$.listen[0].allow: applies only to inet listeners; who may use a unix socket is set"
                + " by unix_socket_mode and unix_socket_group")
        .hasMessageContaining("$.listen[1].allow: \"10.1.0.0/8\" has bits set after its prefix")
        .hasMessageContaining("$.listen[2].address: is required")
        .hasMessageContaining("$.listen[2].allow: must list at least one network")
        .hasMessageContaining("$.listen[3].protocl: unknown key")
        .hasMessageContaining("$.listen[4]: must be a string or an object, got 42")
        .hasMessageContaining("$.listen[5]: expected inet:HOST:PORT")
        .hasMessageContaining("$.allow: expected an IPv4 or IPv6 network")
        // A list that is there but wrong is reported once, not again as missing.
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("has no allow list"));
  }

  @Test
  void aTcpTableListenerServesOneConfiguredMap() throws Exception {
    SockmapdConfig config =
        parse(
            "[\"inet:127.0.0.1:8732\", {\"address\": \"inet:127.0.0.1:8733\","
                + " \"protocol\": \"tcp_table\", \"map\": \"users\"},"
                + " {\"address\": \"unix:/run/sockmapd/s\", \"protocol\": \"socketmap\"}]",
            "");

    assertThat(config.listeners())
        .containsExactly(
            new ListenerConfig(new Endpoint.Inet("127.0.0.1", 8732), null),
            new ListenerConfig(new Endpoint.Inet("127.0.0.1", 8733), null, "users"),
            new ListenerConfig(new Endpoint.Unix(Path.of("/run/sockmapd/s")), null));
  }

  @Test
  void protocolAndMapProblemsNameTheirEntry() {
    assertThatThrownBy(
            () ->
                parse(
                    "[{\"address\": \"inet:127.0.0.1:1\", \"protocol\": \"tcp\"},"
                        + " {\"address\": \"inet:127.0.0.1:2\", \"protocol\": \"tcp_table\"},"
                        + " {\"address\": \"inet:127.0.0.1:3\", \"protocol\": \"tcp_table\","
                        + " \"map\": \"nosuch\"},"
                        + " {\"address\": \"inet:127.0.0.1:4\", \"map\": \"users\"},"
                        + " {\"address\": \"inet:127.0.0.1:5\", \"protocol\": 7}]",
                    ""))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "$.listen[0].protocol: must be \"socketmap\", \"tcp_table\" or \"policy\", got \"tcp\"")
        .hasMessageContaining("$.listen[1].map: is required")
        .hasMessageContaining("$.listen[2].map: names no configured map: \"nosuch\"; maps: [users]")
        .hasMessageContaining(
            "$.listen[3].map: applies only to \"protocol\": \"tcp_table\"; socketmap requests"
                + " name their map")
        .hasMessageContaining("$.listen[4].protocol: must be a string, got")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("got \"socketmap\""));
  }

  @Test
  void maxConnectionsPerClientIsALimit() throws Exception {
    assertThat(parse("[\"inet:127.0.0.1:1\"]", "").limits().maxConnectionsPerClient())
        .isEqualTo(Limits.UNLIMITED);
    assertThat(
            parse("[\"inet:127.0.0.1:1\"]", "\"limits\": {\"max_connections_per_client\": 50},")
                .limits()
                .maxConnectionsPerClient())
        .isEqualTo(50);
    assertThatThrownBy(
            () ->
                parse(
                    "[\"inet:127.0.0.1:1\"]", "\"limits\": {\"max_connections_per_client\": -1},"))
        .hasMessageContaining("$.limits.max_connections_per_client: must be from 0 to 1000000");
  }

  @Test
  void unixSocketGroupMustExist() throws Exception {
    assertThat(parse("[\"unix:/run/s\"]", "").unixSocketGroup()).isEmpty();
    // Group 0 exists everywhere; its name is "root" on Linux.
    assertThat(parse("[\"unix:/run/s\"]", "\"unix_socket_group\": \"root\",").unixSocketGroup())
        .isEqualTo("root");
    assertThatThrownBy(
            () -> parse("[\"unix:/run/s\"]", "\"unix_socket_group\": \"no-such-group-x\","))
        .hasMessageContaining("$.unix_socket_group: no such group: no-such-group-x");
  }
}
