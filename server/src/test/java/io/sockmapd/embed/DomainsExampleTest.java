package io.sockmapd.embed;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockmapd.examples.embedded.DomainsExample;
import io.sockmapd.testing.Postmap;
import io.sockmapd.testing.Postmap.Run;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The documented example (examples/embedded/) serves what its comment says, to postmap. */
class DomainsExampleTest {
  @TempDir Path conf;

  @Test
  void answersPostmapAsDocumented() throws Exception {
    Postmap postmap = Postmap.require(conf, Postmap.MAIN_CF);
    ExecutorService slowWork = Executors.newFixedThreadPool(2);
    try (MapServer server = DomainsExample.start("inet:127.0.0.1:0", slowWork)) {
      String at = "socketmap:inet:127.0.0.1:" + server.port() + ":";
      assertThat(postmap.query("example.com", at + "domains")).isEqualTo(new Run(0, "OK\n", ""));
      assertThat(postmap.query("example.net", at + "domains")).isEqualTo(new Run(1, "", ""));
      assertThat(postmap.query("info@example.com", at + "aliases"))
          .isEqualTo(new Run(0, "alice@example.net\n", ""));
    } finally {
      slowWork.shutdownNow();
    }
  }
}
