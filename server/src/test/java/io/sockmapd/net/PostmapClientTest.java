package io.sockmapd.net;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;
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

  /** What one postmap run produced. */
  record Run(int exit, String stdout, String stderr) {}

  @BeforeAll
  static void start() throws Exception {
    boolean installed = Files.isExecutable(Path.of("/usr/sbin/postmap"));
    if (!installed && "true".equals(System.getenv("CI"))) {
      fail("postmap is not installed, and CI=true requires the real-client tests");
    }
    assumeTrue(installed, "postmap not installed");
    Files.writeString(
        conf.resolve("main.cf"), "compatibility_level = 3.6\nsmtputf8_enable = yes\n");
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

  private static Run postmap(String key, String map, @Nullable String in)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(
                "/usr/sbin/postmap",
                "-c",
                conf.toString(),
                "-q",
                key,
                "socketmap:inet:127.0.0.1:" + fixture.server.port() + ":" + map));
    Process process = new ProcessBuilder(command).start();
    if (in != null) {
      process.getOutputStream().write(in.getBytes(UTF_8));
    }
    process.getOutputStream().close();
    String stdout = new String(process.getInputStream().readAllBytes(), UTF_8);
    String stderr = new String(process.getErrorStream().readAllBytes(), UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new Run(process.exitValue(), stdout, stderr);
  }

  @Test
  void hitPrintsTheValue() throws Exception {
    assertThat(postmap("alice@example.com", "users", null)).isEqualTo(new Run(0, "alice\n", ""));
  }

  @Test
  void missExitsOneQuietly() throws Exception {
    assertThat(postmap("nobody@example.com", "users", null)).isEqualTo(new Run(1, "", ""));
  }

  @Test
  void keyWithASpaceArrivesWhole() throws Exception {
    assertThat(postmap("John Smith@example.com", "echo", null))
        .isEqualTo(new Run(0, "key=John Smith@example.com\n", ""));
  }

  @Test
  void utf8KeyAndValue() throws Exception {
    assertThat(postmap("jöhn@exämple.com", "users", null)).isEqualTo(new Run(0, "jöhn-ü\n", ""));
  }

  @Test
  void emptyKeyIsNotFound() throws Exception {
    int before = ECHO.keys.size();
    assertThat(postmap("", "echo", null)).isEqualTo(new Run(1, "", ""));
    assertThat(ECHO.keys).hasSize(before);
  }

  @Test
  void unknownMapIsAPermanentError() throws Exception {
    Run run = postmap("alice@example.com", "nosuchmap", null);
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
    Run run = postmap("-", "users", keys.toString());
    assertThat(run).isEqualTo(new Run(0, expected.toString(), ""));
    assertThat(fixture.server.acceptedConnections() - before).isEqualTo(1);
  }
}
