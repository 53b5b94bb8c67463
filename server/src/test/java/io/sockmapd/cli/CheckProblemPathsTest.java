package io.sockmapd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockmapd.config.ConfigLoader;
import io.sockmapd.config.ConfigProblem;
import io.sockmapd.config.SockmapdConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where a line of the backend's check is placed in the config ({@link Backends#problem}). */
class CheckProblemPathsTest {
  @TempDir Path dir;

  private SockmapdConfig config() throws Exception {
    return new ConfigLoader()
        .parse(
            """
            {"listen": ["inet:127.0.0.1:8732"],
             "databases": {
               "a": {"type": "sqlite", "path": "a.db"},
               "a: b": {"type": "sqlite", "path": "ab.db"}},
             "maps": {
               "m": {"database": "a", "query": "SELECT 1 WHERE '%s' <> ''"},
               "m(1)": {"queries": [
                 {"database": "a", "query": "SELECT 1 WHERE '%s' <> ''"},
                 {"database": "a: b", "query": "SELECT 2 WHERE '%s' <> ''"}]}}}
            """,
            "test.json", dir);
  }

  @Test
  void aDatabaseIsFoundByItsWholeNameEvenWhenAShorterNameIsItsStart() throws Exception {
    ConfigProblem problem = Backends.problem("database a: b: cannot connect: refused", config());
    assertThat(problem.path()).isEqualTo("$.databases['a: b']");
    assertThat(problem.message())
        .isEqualTo("database a: b at " + dir.resolve("ab.db") + ": cannot connect: refused");

    assertThat(Backends.problem("database a: cannot connect: b: x", config()).path())
        .isEqualTo("$.databases.a");
  }

  @Test
  void aTableOfATableListIsPlacedAtItsElementOfQueries() throws Exception {
    ConfigProblem problem =
        Backends.problem("map m(1)[1] (database a: b): query error: no such table", config());
    assertThat(problem.path()).isEqualTo("$.maps['m(1)'].queries[1]");
    assertThat(problem.message())
        .isEqualTo("map m(1)[1] (database a: b): query error: no such table");
    assertThat(Backends.problem("map m (database a): query error", config()).path())
        .isEqualTo("$.maps.m");
  }

  @Test
  void aLineAboutNothingConfiguredStaysAtTheTop() throws Exception {
    assertThat(Backends.problem("something else went wrong", config()).path()).isEqualTo("$");
  }
}
