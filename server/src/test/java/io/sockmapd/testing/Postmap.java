package io.sockmapd.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.sockmapd.config.DatabaseConfig;
import io.sockmapd.config.DatabaseType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Postfix's {@code postmap} as a real client, with a private configuration directory (its own
 * {@code main.cf}; {@code /etc/postfix} is never read for settings).
 *
 * <p>Without postmap, or without a table type the test needs (the {@code postfix-pgsql}, {@code
 * postfix-mysql} and {@code postfix-sqlite} plugins), the test is skipped, except under {@code
 * CI=true}, where that is a failure.
 *
 * <p>Remember: every postmap run that ends in a fatal error (a TEMP, PERM or protocol error) sleeps
 * about a second before it exits, and loses the output of a {@code -q -} batch it had buffered.
 */
public final class Postmap {
  /** Where Debian installs it. */
  public static final Path POSTMAP = Path.of("/usr/sbin/postmap");

  private static final Path POSTCONF = Path.of("/usr/sbin/postconf");

  /** The main.cf of the real-client tests: SMTPUTF8 on, as at any current compatibility level. */
  public static final String MAIN_CF = "compatibility_level = 3.6\nsmtputf8_enable = yes\n";

  private final Path configDirectory;

  /**
   * What one postmap run produced.
   *
   * @param exit the exit status (0 found, 1 not found or error)
   * @param stdout the values ({@code -q KEY}) or {@code key<TAB>value} lines ({@code -q -})
   * @param stderr warnings and the fatal message, if any
   */
  public record Run(int exit, String stdout, String stderr) {
    /** What the differential tests compare: the answer and the exit status, not the wording. */
    public Answer answer() {
      return new Answer(exit, stdout);
    }
  }

  /** A run without its stderr, whose warnings differ between table types. */
  public record Answer(int exit, String stdout) {}

  /** The lines of a Postfix {@code .cf} table file that reach {@code db}. */
  public static String connectionLines(DatabaseConfig db) {
    if (db.type() == DatabaseType.SQLITE) {
      return "dbpath = " + db.path() + "\n";
    }
    return "hosts = inet:"
        + db.hosts().get(0)
        + "\nuser = "
        + db.user()
        + "\npassword = "
        + db.password().reveal()
        + "\ndbname = "
        + db.database()
        + "\n";
  }

  private Postmap(Path configDirectory) {
    this.configDirectory = configDirectory;
  }

  /**
   * Writes {@code mainCf} into {@code configDirectory} and checks that postmap can open tables of
   * every type named (e.g. {@code pgsql}); skips the test (fails it under {@code CI=true}) if not.
   */
  public static Postmap require(Path configDirectory, String mainCf, String... tableTypes) {
    if (!Files.isExecutable(POSTMAP)) {
      unavailable("postmap is not installed (Debian package postfix)");
    }
    try {
      Files.writeString(configDirectory.resolve("main.cf"), mainCf);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (tableTypes.length > 0) {
      List<String> types =
          run(List.of(POSTCONF.toString(), "-c", configDirectory.toString(), "-m"), null)
              .stdout()
              .lines()
              .toList();
      for (String type : tableTypes) {
        if (!types.contains(type)) {
          unavailable(
              "postmap has no " + type + ": table type (Debian package postfix-" + type + ")");
        }
      }
    }
    return new Postmap(configDirectory);
  }

  private static void unavailable(String why) {
    if ("true".equals(System.getenv("CI"))) {
      Assertions.fail(why + ", and CI=true requires the real-client tests");
    }
    Assumptions.abort(why);
  }

  /** The configuration directory ({@code -c}). */
  public Path configDirectory() {
    return configDirectory;
  }

  /** Postfix's {@code mail_version}, e.g. {@code 3.7.11}. */
  public String mailVersion() {
    return run(
            List.of(POSTCONF.toString(), "-c", configDirectory.toString(), "-h", "mail_version"),
            null)
        .stdout()
        .strip();
  }

  /** True when this Postfix is at least {@code major.minor}. */
  public boolean isAtLeast(int major, int minor) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("(\\d+)\\.(\\d+)").matcher(mailVersion());
    if (!m.lookingAt()) {
      throw new AssertionError("unexpected mail_version " + mailVersion());
    }
    int haveMajor = Integer.parseInt(m.group(1));
    int haveMinor = Integer.parseInt(m.group(2));
    return haveMajor > major || (haveMajor == major && haveMinor >= minor);
  }

  /** {@code postmap -c DIR -q KEY TABLE}. */
  public Run query(String key, String table) {
    return run(command("-q", key, table), null);
  }

  /** {@code postmap -c DIR -q - TABLE} with one key a line on stdin (one connection). */
  public Run queryBatch(List<String> keys, String table) {
    StringBuilder in = new StringBuilder();
    keys.forEach(k -> in.append(k).append('\n'));
    return run(command("-q", "-", table), in.toString());
  }

  private List<String> command(String... arguments) {
    List<String> command =
        new ArrayList<>(List.of(POSTMAP.toString(), "-c", configDirectory.toString()));
    command.addAll(List.of(arguments));
    return command;
  }

  private static Run run(List<String> command, @Nullable String stdin) {
    try {
      Process process = new ProcessBuilder(command).start();
      // Both pipes are drained at once, so neither can fill up and stall the process.
      CompletableFuture<String> stderr = drain(process.getErrorStream());
      try (var in = process.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin.getBytes(UTF_8));
        }
      }
      String stdout = new String(process.getInputStream().readAllBytes(), UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("no exit within 60 s: " + command);
      }
      return new Run(process.exitValue(), stdout, stderr.get(10, TimeUnit.SECONDS));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new AssertionError("reading the stderr of " + command, e);
    }
  }

  private static CompletableFuture<String> drain(InputStream stream) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return new String(stream.readAllBytes(), UTF_8);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }
}
