package io.sockmapd.cli;

import io.sockmapd.cache.CachingBackend;
import io.sockmapd.config.ConfigException;
import io.sockmapd.config.ConfigProblem;
import io.sockmapd.config.SockmapdConfig;
import io.sockmapd.lookup.BackendFactory;
import io.sockmapd.lookup.LookupBackend;
import io.sockmapd.sql.SqlBackend;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The backend the command line uses: the one place where the daemon is wired to its maps. */
public final class Backends {
  private static final Duration CHECK_CLOSE_TIMEOUT = Duration.ofSeconds(5);
  private static final Pattern SUBJECT = Pattern.compile("^(database|map) ([^\\s:(]+)");

  /** SQL maps, each behind the cache its configuration asks for. */
  public static final BackendFactory DEFAULT =
      new BackendFactory() {
        @Override
        public LookupBackend create(Vertx vertx, SockmapdConfig config) throws ConfigException {
          return CachingBackend.wrap(SqlBackend.create(vertx, config), config);
        }

        @Override
        public CompletionStage<List<ConfigProblem>> check(Vertx vertx, SockmapdConfig config) {
          SqlBackend backend;
          try {
            backend = SqlBackend.create(vertx, config);
          } catch (ConfigException e) {
            return CompletableFuture.completedFuture(e.problems());
          }
          return backend
              .check()
              .thenCompose(
                  lines ->
                      backend
                          .close(CHECK_CLOSE_TIMEOUT)
                          .handle(
                              (closed, error) -> lines.stream().map(Backends::problem).toList()));
        }
      };

  private Backends() {}

  /** Places a check line ("database X: …", "map M (…): …") at the config path it is about. */
  private static ConfigProblem problem(String line) {
    Matcher m = SUBJECT.matcher(line);
    if (!m.find()) {
      return new ConfigProblem("$", line);
    }
    String section = m.group(1).equals("map") ? "$.maps." : "$.databases.";
    return new ConfigProblem(section + m.group(2), line);
  }
}
