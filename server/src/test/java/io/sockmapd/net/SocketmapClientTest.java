package io.sockmapd.net;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sockmapd.codec.SocketmapResponse;
import io.sockmapd.config.Endpoint;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The command line's client, against the real server and against servers that misbehave. */
class SocketmapClientTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  @Test
  void asksTheServerOneRequestAfterAnother() throws Exception {
    try (ServerFixture fixture =
            ServerFixture.start(Map.of("users", TestMaps.fixed(Map.of("alice", "a@example"))));
        SocketmapClient client =
            SocketmapClient.connect(new Endpoint.Inet("", fixture.server.port()), TIMEOUT)) {
      assertThat(client.query("users", "alice")).isEqualTo(SocketmapResponse.ok("a@example"));
      assertThat(client.query("users", "bob")).isEqualTo(SocketmapResponse.notFound());
      assertThat(client.query("nosuch", "k").text()).isEqualTo("unknown map nosuch");
    }
  }

  @Test
  void aSilentServerIsATimeout() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        SocketmapClient client =
            SocketmapClient.connect(
                new Endpoint.Inet("127.0.0.1", silent.getLocalPort()), Duration.ofMillis(300))) {
      assertThatThrownBy(() -> client.query("users", "alice"))
          .isInstanceOf(SocketTimeoutException.class);
    }
  }

  @Test
  void aServerThatClosesOrAnswersGarbageIsAnError() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Endpoint endpoint = new Endpoint.Inet("127.0.0.1", server.getLocalPort());
      try (SocketmapClient client = SocketmapClient.connect(endpoint, TIMEOUT);
          Socket accepted = server.accept()) {
        // Sent without waiting for the request: a reply the client can't parse fails it either way.
        accepted.getOutputStream().write("3:BAD,".getBytes(US_ASCII));
        assertThatThrownBy(() -> client.query("users", "alice"))
            .isInstanceOf(IOException.class)
            .hasMessageContaining("unknown socketmap status word");
      }
      try (SocketmapClient client = SocketmapClient.connect(endpoint, TIMEOUT)) {
        server.accept().close();
        // End of input, or a reset if the request went out first.
        assertThatThrownBy(() -> client.query("users", "alice")).isInstanceOf(IOException.class);
      }
    }
  }

  @Test
  void nothingListeningIsAnError() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    assertThatThrownBy(() -> SocketmapClient.connect(new Endpoint.Inet("127.0.0.1", port), TIMEOUT))
        .isInstanceOf(IOException.class);
  }
}
