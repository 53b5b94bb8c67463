package io.sockmapd.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockmapd.Daemon;
import io.sockmapd.testing.Postmap;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's quick start, end to end: {@code examples/quickstart.json} and its seed copied as
 * they are (only the listening port changed, to a free one), the daemon started on them as {@code
 * sockmapd run} does, and Postfix's {@code postmap} asking it.
 */
class QuickstartExampleTest {
  private static final String SHIPPED_LISTEN = "\"inet:127.0.0.1:8732\"";

  @TempDir static Path temp;
  private static Postmap postmap;
  private static Daemon daemon;

  @BeforeAll
  static void start() throws Exception {
    postmap = Postmap.require(Files.createDirectories(temp.resolve("postfix")), Postmap.MAIN_CF);
    Path folder = Files.createDirectories(temp.resolve("quickstart"));
    String config = Files.readString(Examples.ROOT.resolve("quickstart.json"));
    assertThat(config).contains(SHIPPED_LISTEN);
    Files.writeString(
        folder.resolve("quickstart.json"), config.replace(SHIPPED_LISTEN, "\"inet:127.0.0.1:0\""));
    Files.copy(Examples.ROOT.resolve("quickstart.sql"), folder.resolve("quickstart.sql"));
    daemon = Examples.startDaemon(folder.resolve("quickstart.json"));
  }

  @AfterAll
  static void stop() {
    if (daemon != null) {
      daemon.close();
    }
  }

  private static Postmap.Run query(String key, String map) {
    return postmap.query(key, "socketmap:inet:127.0.0.1:" + daemon.server().port() + ":" + map);
  }

  @Test
  void aliasWithTwoDestinations() {
    assertThat(query("info@example.com", "virtual"))
        .isEqualTo(new Postmap.Run(0, "alice@example.net,bob@example.net\n", ""));
  }

  @Test
  void mixedCaseKeyWithExtensionFindsTheSameAlias() {
    // fold_case (on by default) lower-cases it; fallback_keys strips "+foo".
    assertThat(query("Info+foo@Example.COM", "virtual"))
        .isEqualTo(new Postmap.Run(0, "alice@example.net,bob@example.net\n", ""));
    assertThat(query("alice+news@example.com", "virtual"))
        .isEqualTo(new Postmap.Run(0, "alice@example.net\n", ""));
  }

  @Test
  void catchAllOfItsDomain() {
    assertThat(query("anyone@example.net", "virtual"))
        .isEqualTo(new Postmap.Run(0, "catchall@example.net\n", ""));
  }

  @Test
  void unknownAddressIsNotFound() {
    assertThat(query("nobody@example.org", "virtual")).isEqualTo(new Postmap.Run(1, "", ""));
  }

  @Test
  void domainsMap() {
    assertThat(query("example.com", "domains")).isEqualTo(new Postmap.Run(0, "OK\n", ""));
    assertThat(query("example.org", "domains")).isEqualTo(new Postmap.Run(1, "", ""));
  }
}
