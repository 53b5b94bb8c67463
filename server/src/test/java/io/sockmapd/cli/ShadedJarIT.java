package io.sockmapd.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sockmapd.codec.SocketmapResponse;
import io.sockmapd.config.Endpoint;
import io.sockmapd.net.BlockingSocketmapClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The released artifact itself, target/sockmapd.jar, as users run it: its manifest, its legal
 * files, the SQLite natives the shade filters keep, what of ours it holds, and the embedding
 * example run against it. Run by Failsafe after {@code package}.
 */
class ShadedJarIT {
  private static final Path JAR = Paths.get(System.getProperty("sockmapd.jar"));
  private static final String VERSION = System.getProperty("sockmapd.version");
  private static final Path EXAMPLES = Paths.get("..", "examples");
  private static final Path LAUNCHER = Paths.get("..", "packaging", "sockmapd");

  @TempDir Path dir;

  @Test
  void versionComesFromTheManifest() throws Exception {
    Result version = run("--version");

    assertThat(version.exitCode).isZero();
    assertThat(version.out).isEqualTo("sockmapd " + VERSION + "\n");
  }

  @Test
  void licenseAndMergedNoticesAreInTheJar() throws IOException {
    try (JarFile jar = new JarFile(JAR.toFile())) {
      assertThat(read(jar, "META-INF/LICENSE"))
          .startsWith("\n                                 Apache License")
          .contains("Version 2.0, January 2004");
      // Ours and every dependency's NOTICE, not just the one shaded in first.
      assertThat(read(jar, "META-INF/NOTICE"))
          .contains("sockmapd\nCopyright 2026 The sockmapd authors")
          .contains("Jackson JSON processor")
          .contains("Apache Log4j API")
          .contains("Apache Log4j Core")
          .contains("SLF4J 2 Provider for Log4j API");
      assertThat(read(jar, "META-INF/licenses/slf4j.txt")).contains("QOS.ch");
      assertThat(read(jar, "META-INF/licenses/ongres-scram.txt")).contains("OnGres");
    }
  }

  @Test
  void keepsTheSqliteNativesOfTheTargetPlatformsOnly() throws IOException {
    try (JarFile jar = new JarFile(JAR.toFile())) {
      assertThat(files(jar, "org/sqlite/native/"))
          .containsExactlyInAnyOrder(
              "org/sqlite/native/Linux/x86_64/libsqlitejdbc.so",
              "org/sqlite/native/Linux/aarch64/libsqlitejdbc.so",
              "org/sqlite/native/Linux-Musl/x86_64/libsqlitejdbc.so",
              "org/sqlite/native/Linux-Musl/aarch64/libsqlitejdbc.so",
              "org/sqlite/native/Mac/x86_64/libsqlitejdbc.dylib",
              "org/sqlite/native/Mac/aarch64/libsqlitejdbc.dylib");
    }
  }

  @Test
  void answersFromTheQuickStartDatabase() throws Exception {
    // A copy, so that the database the quick start creates lands in the temporary folder.
    Files.copy(EXAMPLES.resolve("quickstart.json"), dir.resolve("quickstart.json"));
    Files.copy(EXAMPLES.resolve("quickstart.sql"), dir.resolve("quickstart.sql"));

    Result query =
        run(
            "query",
            "--config",
            dir.resolve("quickstart.json").toString(),
            "virtual",
            "info@example.com");

    assertThat(query.err).isEmpty();
    assertThat(query.exitCode).isZero();
    assertThat(query.out).isEqualTo("alice@example.net,bob@example.net\n");
  }

  /**
   * SIGHUP reloads the released jar started through the shipped launcher, as the unit starts it:
   * {@code sun.misc.Signal} is reachable from the shaded jar under the launcher's JVM options.
   */
  @Test
  void sighupReloadsTheDaemonStartedByTheLauncher() throws Exception {
    Files.copy(EXAMPLES.resolve("quickstart.sql"), dir.resolve("quickstart.sql"));
    Path socket = dir.resolve("maps.sock");
    Path config = dir.resolve("sockmapd.json");
    String quickstart =
        Files.readString(EXAMPLES.resolve("quickstart.json"))
            .replace("inet:127.0.0.1:8732", "unix:" + socket);
    Files.writeString(config, quickstart);
    Path log = dir.resolve("daemon.log");
    ProcessBuilder launcher =
        // SIGHUP at its default even under a runner that ignores it (see DaemonProcess).
        new ProcessBuilder(
                "env",
                "--default-signal=HUP",
                "sh",
                LAUNCHER.toString(),
                "run",
                "--config",
                config.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    launcher.environment().put("SOCKMAPD_JAR", JAR.toString());
    launcher.environment().remove("JAVA_OPTS");
    launcher.environment().put("JAVA_HOME", Paths.get(System.getProperty("java.home")).toString());
    Process daemon = launcher.start();
    try {
      await().atMost(Duration.ofMinutes(1)).until(() -> Files.exists(socket));
      Files.writeString(config, quickstart.replace("SELECT 'OK'", "SELECT 'RELOADED'"));

      // The launcher execs the JVM: its PID is the daemon's.
      Process kill =
          new ProcessBuilder("kill", "-HUP", Long.toString(daemon.pid())).inheritIO().start();
      assertThat(kill.waitFor()).isZero();
      await()
          .atMost(Duration.ofMinutes(1))
          .until(() -> Files.readString(log).contains("reloaded the configuration: "));

      try (BlockingSocketmapClient client =
          BlockingSocketmapClient.connect(new Endpoint.Unix(socket), Duration.ofSeconds(30))) {
        assertThat(client.query("domains", "example.com"))
            .isEqualTo(SocketmapResponse.ok("RELOADED"));
      }
      daemon.destroy();
      assertThat(daemon.waitFor(1, TimeUnit.MINUTES)).isTrue();
      assertThat(daemon.exitValue()).as(Files.readString(log)).isZero();
    } finally {
      daemon.destroyForcibly();
    }
  }

  @Test
  void shipsTheEmbeddingApiButNoLoadToolsOrTestClients() throws IOException {
    try (JarFile jar = new JarFile(JAR.toFile())) {
      assertThat(files(jar, "io/sockmapd/"))
          .contains("io/sockmapd/embed/MapServer.class", "io/sockmapd/net/SocketmapClient.class")
          .noneMatch(name -> name.startsWith("io/sockmapd/bench"))
          .noneMatch(name -> name.contains("BlockingSocketmapClient"))
          .noneMatch(name -> name.contains("LoadGenerator") || name.contains("IdleConnections"));
    }
  }

  /** The documented way to run the embedding example: its source file against the jar alone. */
  @Test
  void theEmbeddingExampleRunsAgainstTheJar() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    Path out = dir.resolve("example.txt");
    Process example =
        new ProcessBuilder(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                JAR.toString(),
                EXAMPLES.resolve("embedded/DomainsExample.java").toString(),
                "inet:127.0.0.1:" + port)
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
    try {
      await()
          .atMost(Duration.ofMinutes(1))
          .until(() -> Files.readString(out).contains("serving domains and aliases on"));
      try (BlockingSocketmapClient client =
          BlockingSocketmapClient.connect(
              new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
              Duration.ofSeconds(10))) {
        assertThat(client.query("domains", "example.com")).isEqualTo(SocketmapResponse.ok("OK"));
        assertThat(client.query("aliases", "info@example.com"))
            .isEqualTo(SocketmapResponse.ok("alice@example.net"));
      }
    } finally {
      example.destroy();
      assertThat(example.waitFor(30, TimeUnit.SECONDS)).as("stopped by SIGTERM").isTrue();
    }
  }

  /** The names of the files (not folders) in the jar under {@code prefix}. */
  private static List<String> files(JarFile jar, String prefix) {
    return jar.stream()
        .map(ZipEntry::getName)
        .filter(name -> name.startsWith(prefix) && !name.endsWith("/"))
        .toList();
  }

  private static String read(JarFile jar, String name) throws IOException {
    ZipEntry entry = jar.getEntry(name);
    assertThat(entry).as(name).isNotNull();
    try (InputStream in = jar.getInputStream(entry)) {
      return new String(in.readAllBytes(), UTF_8);
    }
  }

  private Result run(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(JAR.toString());
    command.addAll(List.of(args));
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    Process process =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Paths.get("/dev/null").toFile()))
            .start();
    if (!process.waitFor(2, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("sockmapd " + String.join(" ", args) + " did not finish");
    }
    return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
  }

  private record Result(int exitCode, String out, String err) {}
}
