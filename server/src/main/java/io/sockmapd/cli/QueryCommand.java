package io.sockmapd.cli;

import io.sockmapd.config.ConfigException;
import io.sockmapd.config.DatabaseConfig;
import io.sockmapd.config.MapConfig;
import io.sockmapd.config.SockmapdConfig;
import io.sockmapd.lookup.LookupResult;
import java.util.concurrent.Callable;
import org.apache.logging.log4j.Level;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code sockmapd query MAP KEY}: one lookup without a server, printed like {@code postmap -q}. */
@Command(
    name = "query",
    description = {
      "Look up KEY in MAP without starting a server.",
      "Found: the value on stdout, exit 0. Not found: no output, exit 1.",
      "Error: 'sockmapd: STATUS reason' on stderr, exit 2."
    })
final class QueryCommand implements Callable<Integer> {
  private final Main main;
  @Mixin ConfigOption config;

  @Parameters(index = "0", paramLabel = "MAP", description = "The map name.")
  String mapName;

  @Parameters(
      index = "1",
      paramLabel = "KEY",
      description = "The key, exactly as a client sends it.")
  String key;

  QueryCommand(Main main) {
    this.main = main;
  }

  @Override
  public Integer call() throws InterruptedException {
    main.configureLogging(Level.WARN);
    try (AskedMaps maps = AskedMaps.open(config, main.backends)) {
      LookupResult result = maps.ask(mapName, key);
      // Reported before the maps close: the answer is known now.
      return report(result, database(maps.config, maps.config.maps().get(mapName)));
    } catch (ConfigException e) {
      main.fail(e);
      return Main.CONFIG_ERROR;
    }
  }

  private static @Nullable DatabaseConfig database(SockmapdConfig config, @Nullable MapConfig map) {
    return map == null ? null : config.databases().get(map.database());
  }

  private int report(LookupResult result, @Nullable DatabaseConfig database) {
    return switch (result.status()) {
      case OK -> {
        main.out.println(result.text());
        main.out.flush();
        yield Main.OK;
      }
      case NOTFOUND -> Main.FAILED;
      case TEMP, TIMEOUT, PERM -> {
        // Says which database (and where) gave the error, which the reply text alone does not.
        String which =
            database == null
                ? ""
                : " (map " + mapName + ", database " + DatabaseDeadlines.describe(database) + ")";
        main.err.println("sockmapd: " + result.status() + " " + result.text() + which);
        main.err.flush();
        yield Main.ERROR;
      }
    };
  }
}
