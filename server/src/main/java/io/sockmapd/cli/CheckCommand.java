package io.sockmapd.cli;

import io.sockmapd.config.ConfigException;
import io.sockmapd.config.ConfigProblem;
import io.sockmapd.config.SockmapdConfig;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.logging.log4j.Level;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code sockmapd check}: validate a configuration and report every problem at once. */
@Command(
    name = "check",
    description = {
      "Validate the configuration: print every problem with its JSON path and exit 1,",
      "or print a summary and exit 0."
    })
final class CheckCommand implements Callable<Integer> {
  /** Time allowed for the backend's own checks (database connects, statement preparation). */
  static final long BACKEND_CHECK_SECONDS = 60;

  private final Main main;
  @Mixin ConfigOption config;

  CheckCommand(Main main) {
    this.main = main;
  }

  @Override
  public Integer call() throws InterruptedException {
    main.configureLogging(Level.WARN);
    String source = config.file.toString();
    try {
      SockmapdConfig loaded = config.load();
      List<ConfigProblem> problems;
      try (BackendSession session = BackendSession.open(main.backends, loaded)) {
        problems =
            main.backends
                .check(session.vertx, loaded)
                .toCompletableFuture()
                .get(BACKEND_CHECK_SECONDS, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        problems = List.of(new ConfigProblem("$", "backend check failed: " + e.getCause()));
      } catch (TimeoutException e) {
        problems =
            List.of(
                new ConfigProblem(
                    "$", "backend check did not finish in " + BACKEND_CHECK_SECONDS + " s"));
      }
      if (!problems.isEmpty()) {
        throw new ConfigException(source, problems);
      }
      main.out.printf(
          "config OK: %d maps, %d databases, %d listeners%n",
          loaded.maps().size(),
          loaded.databases().size(),
          loaded.listen().size() + (loaded.controlSocket() == null ? 0 : 1));
      return Main.OK;
    } catch (ConfigException e) {
      main.fail(e);
      return Main.FAILED;
    }
  }
}
