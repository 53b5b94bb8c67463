package io.sockmapd.net;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.sockmapd.lookup.MapLookup;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One real server on a loopback port; each test talks to it over its own connection. */
class SocketmapServerTest {
  private static final TestMaps.Echo ECHO = new TestMaps.Echo();
  private static ServerFixture fixture;

  @BeforeAll
  static void start() throws Exception {
    MapLookup throwing =
        key -> {
          throw new IllegalStateException("bug in a map");
        };
    MapLookup failing = key -> CompletableFuture.failedFuture(new IllegalStateException("bug"));
    fixture =
        ServerFixture.start(
            Map.of(
                "users",
                TestMaps.fixed(
                    Map.of("alice@example.com", "alice", "ключ@пример.рф", "значение ✓")),
                "echo",
                ECHO,
                "throws",
                throwing,
                "fails",
                failing));
  }

  @AfterAll
  static void stop() {
    fixture.close();
  }

  @BeforeEach
  void clearEcho() {
    ECHO.keys.clear();
  }

  private static String ask(BlockingSocketmapClient client, byte[] request) throws Exception {
    client.writeRaw(BlockingSocketmapClient.netstring(request));
    return new String(client.readPayload(), UTF_8);
  }

  private static String ask(BlockingSocketmapClient client, String request) throws Exception {
    return ask(client, request.getBytes(UTF_8));
  }

  @Test
  void answersHitMissAndUnknownMap() throws Exception {
    try (var client = fixture.connect()) {
      assertThat(ask(client, "users alice@example.com")).isEqualTo("OK alice");
      assertThat(ask(client, "users bob@example.com")).isEqualTo("NOTFOUND ");
      assertThat(ask(client, "x alice@example.com")).isEqualTo("PERM unknown map x");
    }
  }

  @Test
  void emptyKeyIsNotFoundWithoutAskingTheMap() throws Exception {
    try (var client = fixture.connect()) {
      assertThat(ask(client, "echo ")).isEqualTo("NOTFOUND ");
      assertThat(ask(client, "echo after")).isEqualTo("OK key=after");
    }
    assertThat(ECHO.keys).containsExactly("after");
  }

  @Test
  void invalidUtf8KeyIsNotFoundWithoutAskingTheMap() throws Exception {
    ByteArrayOutputStream request = new ByteArrayOutputStream();
    request.writeBytes("echo caf".getBytes(UTF_8));
    request.write(0xE9); // Latin-1 é: not UTF-8
    try (var client = fixture.connect()) {
      assertThat(ask(client, request.toByteArray())).isEqualTo("NOTFOUND ");
    }
    assertThat(ECHO.keys).isEmpty();
  }

  @Test
  void keyWithSpacesCommasAndColonsReachesTheMapIntact() throws Exception {
    try (var client = fixture.connect()) {
      assertThat(ask(client, "echo  a b,c:d ")).isEqualTo("OK key= a b,c:d ");
    }
    assertThat(ECHO.keys).containsExactly(" a b,c:d ");
  }

  @Test
  void utf8KeyAndValueUseByteLengths() throws Exception {
    try (var client = fixture.connect()) {
      byte[] request = BlockingSocketmapClient.netstring("users ключ@пример.рф".getBytes(UTF_8));
      assertThat(new String(request, UTF_8)).startsWith("32:"); // bytes, not 20 chars
      client.writeRaw(request);
      byte[] reply = client.readPayload();
      assertThat(reply).isEqualTo("OK значение ✓".getBytes(UTF_8));
    }
  }

  @Test
  void malformedRequestIsPermAndTheConnectionStaysUsable() throws Exception {
    try (var client = fixture.connect()) {
      assertThat(ask(client, "nospace")).isEqualTo("PERM malformed request");
      assertThat(ask(client, "users alice@example.com")).isEqualTo("OK alice");
    }
  }

  @Test
  void longKeyIsServed() throws Exception {
    String key = "k".repeat(20_000);
    try (var client = fixture.connect()) {
      assertThat(ask(client, "echo " + key)).isEqualTo("OK key=" + key);
    }
  }

  @Test
  void overLimitLengthClosesOnlyThatConnection() throws Exception {
    try (var other = fixture.connect();
        var offender = fixture.connect()) {
      offender.writeRaw("100001:".getBytes(UTF_8));
      assertThat(offender.awaitClosedByServer()).as("closed without a reply").isTrue();
      assertThat(ask(other, "users alice@example.com")).isEqualTo("OK alice");
    }
  }

  @Test
  void nonDigitLengthClosesTheConnection() throws Exception {
    try (var client = fixture.connect()) {
      client.writeRaw("abc:".getBytes(UTF_8));
      assertThat(client.awaitClosedByServer()).isTrue();
    }
  }

  @Test
  void missingCommaClosesTheConnectionAfterEarlierReplies() throws Exception {
    try (var client = fixture.connect()) {
      // A good request and a bad frame in one write: the good one is still answered.
      client.writeRaw("23:users alice@example.com,9:users bob;".getBytes(UTF_8));
      assertThat(new String(client.readPayload(), UTF_8)).isEqualTo("OK alice");
      assertThat(client.awaitClosedByServer()).isTrue();
    }
  }

  @Test
  void lookupThatThrowsOrFailsIsTempAndTheServerKeepsServing() throws Exception {
    try (var client = fixture.connect()) {
      assertThat(ask(client, "throws a")).isEqualTo("TEMP internal error");
      assertThat(ask(client, "fails a")).isEqualTo("TEMP internal error");
      assertThat(ask(client, "users alice@example.com")).isEqualTo("OK alice");
    }
  }
}
