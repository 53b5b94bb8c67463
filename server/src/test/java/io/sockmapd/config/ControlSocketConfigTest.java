package io.sockmapd.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The {@code control_socket} key. */
class ControlSocketConfigTest {
  private static SockmapdConfig parse(String extra) throws ConfigException {
    String text =
        "{\"listen\": [\"inet:127.0.0.1:8732\"],"
            + extra
            + "\"databases\": {\"main\": {\"type\": \"sqlite\", \"path\": \"maps.db\"}},"
            + "\"maps\": {\"users\": {\"database\": \"main\", \"query\": \"SELECT 1\"}}}";
    return new ConfigLoader(name -> null).parse(text, "test.json", Path.of("/etc/sockmapd"));
  }

  @Test
  void absentMeansNone() throws Exception {
    assertThat(parse("").controlSocket()).isNull();
  }

  @Test
  void acceptsAUnixSocketAndLoopbackAddresses() throws Exception {
    assertThat(parse("\"control_socket\": \"unix:/run/sockmapd/control\",").controlSocket())
        .isEqualTo(new Endpoint.Unix(Path.of("/run/sockmapd/control")));
    assertThat(parse("\"control_socket\": \"inet:127.0.0.1:8733\",").controlSocket())
        .isEqualTo(new Endpoint.Inet("127.0.0.1", 8733));
    assertThat(parse("\"control_socket\": \"inet:[::1]:8733\",").controlSocket())
        .isEqualTo(new Endpoint.Inet("::1", 8733));
  }

  @Test
  void refusesNonLoopbackAndBadEndpoints() {
    assertThatThrownBy(() -> parse("\"control_socket\": \"inet:0.0.0.0:8733\","))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("$.control_socket: must be a unix socket or a loopback address");
    assertThatThrownBy(() -> parse("\"control_socket\": \"inet::8733\","))
        .hasMessageContaining("$.control_socket: must be a unix socket or a loopback address");
    assertThatThrownBy(() -> parse("\"control_socket\": \"tcp:x\","))
        .hasMessageContaining("$.control_socket: expected inet:HOST:PORT");
  }
}
