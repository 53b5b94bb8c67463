package io.sockmapd.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockmapd.testing.Postmap;
import io.sockmapd.testing.Postmap.Run;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Postfix's own socketmap client against the real server. Skipped without {@code postmap}, except
 * under {@code CI=true}, where a missing postmap fails.
 */
class PostmapClientTest {
  private static final TestMaps.Echo ECHO = new TestMaps.Echo();
  private static ServerFixture fixture;
  @TempDir static Path conf;
  private static Postmap postmap;

  @BeforeAll
  static void start() throws Exception {
    postmap = Postmap.require(conf, Postmap.MAIN_CF);
    Map<String, String> users = new HashMap<>();
    users.put("alice@example.com", "alice");
    users.put("jöhn@exämple.com", "jöhn-ü");
    IntStream.range(0, 50).forEach(i -> users.put("user" + i, "value" + i));
    fixture = ServerFixture.start(Map.of("users", TestMaps.fixed(users), "echo", ECHO));
  }

  @AfterAll
  static void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  private static String table(String map) {
    return "socketmap:inet:127.0.0.1:" + fixture.server.port() + ":" + map;
  }

  private static Run query(String key, String map) {
    return postmap.query(key, table(map));
  }

  @Test
  void hitPrintsTheValue() throws Exception {
    assertThat(query("alice@example.com", "users")).isEqualTo(new Run(0, "alice\n", ""));
  }

  @Test
  void missExitsOneQuietly() throws Exception {
    assertThat(query("nobody@example.com", "users")).isEqualTo(new Run(1, "", ""));
  }

  @Test
  void keyWithASpaceArrivesWhole() throws Exception {
    assertThat(query("John Smith@example.com", "echo"))
        .isEqualTo(new Run(0, "key=John Smith@example.com\n", ""));
  }

  @Test
  void utf8KeyAndValue() throws Exception {
    assertThat(query("jöhn@exämple.com", "users")).isEqualTo(new Run(0, "jöhn-ü\n", ""));
  }

  @Test
  void emptyKeyIsNotFound() throws Exception {
    int before = ECHO.keys.size();
    assertThat(query("", "echo")).isEqualTo(new Run(1, "", ""));
    assertThat(ECHO.keys).hasSize(before);
  }

  @Test
  void unknownMapIsAPermanentError() throws Exception {
    Run run = query("alice@example.com", "nosuchmap");
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.stderr())
        .contains("socketmap server permanent error")
        .contains("unknown map nosuchmap");
  }

  @Test
  void batchOfFiftyKeysUsesOneConnection() throws Exception {
    StringBuilder keys = new StringBuilder();
    StringBuilder expected = new StringBuilder();
    for (int i = 0; i < 50; i++) {
      keys.append("user").append(i).append('\n');
      expected.append("user").append(i).append("\tvalue").append(i).append('\n');
    }
    long before = fixture.server.acceptedConnections();
    Run run = postmap.queryBatch(keys.toString().lines().toList(), table("users"));
    assertThat(run).isEqualTo(new Run(0, expected.toString(), ""));
    assertThat(fixture.server.acceptedConnections() - before).isEqualTo(1);
  }
}
