package io.sockmapd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ImportCommandTest {
  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int execute(String... args) {
    CommandLine cli = new CommandLine(new ImportCommand());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return cli.execute(args);
  }

  @Test
  void printsJsonOnStdoutAndWarningsOnStderr() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("aliases.cf"),
            "dbname = mail\npassword = pw\nquery = SELECT goto FROM alias WHERE address = '%s'\n");

    int status = execute("--type", "pgsql", file.toString());

    assertThat(status).isZero();
    assertThat(out.toString()).startsWith("{").contains("\"aliases\"").doesNotContain("warning");
    assertThat(err.toString())
        .contains("warning: ")
        .contains("password_file")
        .doesNotContain("\"maps\"");
  }

  @Test
  void unreadableFileExitsOneAndPrintsNoJson() {
    int status = execute("pgsql:" + dir.resolve("nope.cf"));

    assertThat(status).isEqualTo(1);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString()).contains("error: ").contains("nope.cf: cannot read");
  }

  @Test
  void unknownTypeIsAUsageError() throws Exception {
    Path file = Files.writeString(dir.resolve("x.cf"), "dbname = m\nquery = SELECT '%s'\n");

    assertThat(execute("--type", "ldap", file.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("--type must be pgsql, mysql or sqlite");
  }
}
