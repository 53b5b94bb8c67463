package io.sockmapd.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockmapd.Daemon;
import io.sockmapd.config.DatabaseType;
import io.sockmapd.testing.DatabaseExtension;
import io.sockmapd.testing.Postmap;
import io.sockmapd.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the commands of {@code docs/migrating-from-postfix-sql.md} as written, in order, on
 * PostfixAdmin's example files and a PostgreSQL database: {@code /etc/postfix} and {@code
 * /etc/sockmapd} become temporary folders, {@code sockmapd ...} runs in-process, {@code sockmapd
 * run} starts the daemon, {@code postconf} gets {@code -c} the temporary Postfix folder. Only
 * {@code postfix reload} is not run (there is no running Postfix).
 */
class MigrationGuideTest {
  @RegisterExtension static final DatabaseExtension DBS = new DatabaseExtension();

  private static final Path GUIDE = Path.of("..", "docs", "migrating-from-postfix-sql.md");
  private static final Pattern BLOCK = Pattern.compile("```(sh)?\\n(.*?)```", Pattern.DOTALL);

  @TempDir Path temp;

  @Test
  void everyCommandOfTheGuideRunsAsWritten() throws Exception {
    Postmap.require(Files.createDirectories(temp.resolve("postmap")), Postmap.MAIN_CF, "pgsql");
    TestDatabase db = DBS.get(DatabaseType.POSTGRESQL);
    db.execute(Files.readString(Examples.ROOT.resolve("postfixadmin/schema-postgresql.sql")));
    db.execute(PostfixAdminMigrationTest.DATA);
    Path postfix = Files.createDirectories(temp.resolve("postfix"));
    Path sockmapd = Files.createDirectories(temp.resolve("sockmapd"));
    Path sql = Files.createDirectories(postfix.resolve("sql"));
    try (Stream<Path> files = Files.list(Examples.ROOT.resolve("postfixadmin/postfix/sql"))) {
      for (Path file : files.toList()) {
        Files.writeString(
            sql.resolve(file.getFileName()),
            PostfixDifferentialTest.withConnection(
                Files.readString(file), Postmap.connectionLines(db.config())));
      }
    }
    Files.writeString(
        postfix.resolve("main.cf"),
        Files.readString(Examples.ROOT.resolve("postfixadmin/postfix/main.cf"))
                .replace("sql = /etc/postfix/sql", "sql = " + sql)
            // The private/ socket of a real Postfix is not there: listen in the test folder.
            + "queue_directory = "
            + temp
            + "\n");
    Files.createDirectories(temp.resolve("private"));

    List<String> ran = new ArrayList<>();
    Matcher blocks = BLOCK.matcher(Files.readString(GUIDE));
    while (blocks.find()) {
      String text = blocks.group(2).replace("/etc/postfix", postfix.toString());
      text = text.replace("/etc/sockmapd", sockmapd.toString());
      text = text.replace("keys.txt", temp.resolve("keys.txt").toString());
      if (blocks.group(1) == null) {
        Files.writeString(temp.resolve("keys.txt"), text); // the guide's key file
        continue;
      }
      for (String line : text.strip().split("\n", -1)) {
        run(line, postfix);
        ran.add(line.split(" ", -1)[0] + " " + line.split(" ", -1)[1]);
      }
    }
    assertThat(ran)
        .containsExactly(
            "sockmapd import",
            "sockmapd check",
            "sockmapd verify",
            "sockmapd verify",
            "sockmapd run",
            "postconf -e",
            "postfix reload");
    assertThat(Files.readString(postfix.resolve("main.cf")))
        .contains("virtual_alias_maps = socketmap:unix:private/sockmapd:virtual_alias_maps");
  }

  private void run(String line, Path postfix) throws Exception {
    if (line.startsWith("postfix reload")) {
      return; // no running Postfix here
    }
    if (line.startsWith("postconf ")) {
      Process process =
          new ProcessBuilder(
                  "/bin/sh", "-c", line.replaceFirst("^postconf ", "postconf -c " + postfix + " "))
              .redirectErrorStream(true)
              .start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).as("%s: %s", line, output).isZero();
      return;
    }
    String[] redirect = line.split(" > ", -1);
    List<String> words = new ArrayList<>(List.of(redirect[0].strip().split(" +", -1)));
    assertThat(words.remove(0)).isEqualTo("sockmapd");
    if (words.get(0).equals("run")) {
      try (Daemon daemon = Examples.startDaemon(Path.of(words.get(2)))) {
        assertThat(daemon.server()).isNotNull();
      }
      return;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status;
    io.sockmapd.testing.LogLevels levels = io.sockmapd.testing.LogLevels.keep();
    try {
      status =
          io.sockmapd.cli.Main.execute(
              words.toArray(String[]::new),
              io.sockmapd.cli.Backends.DEFAULT,
              new PrintStream(out, true, StandardCharsets.UTF_8),
              new PrintStream(err, true, StandardCharsets.UTF_8));
    } finally {
      levels.close();
    }
    String stdout = out.toString(StandardCharsets.UTF_8);
    assertThat(status).as("%s\n%s%s", line, stdout, err.toString(StandardCharsets.UTF_8)).isZero();
    if (redirect.length > 1) {
      Files.writeString(Path.of(redirect[1].strip()), stdout);
    }
  }
}
