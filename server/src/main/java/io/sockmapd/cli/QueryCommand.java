package io.sockmapd.cli;

import io.sockmapd.config.ConfigException;
import io.sockmapd.lookup.LookupResult;
import io.sockmapd.lookup.MapRegistry;
import io.sockmapd.net.RequestDispatcher;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.logging.log4j.Level;
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
  /** A lookup that takes longer than this is reported as an error. */
  static final long LOOKUP_SECONDS = 60;

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
    LookupResult result;
    try (BackendSession session = BackendSession.open(main.backends, config.load())) {
      result =
          new RequestDispatcher(new MapRegistry(session.backend.maps()))
              .dispatch(mapName, key)
              .toCompletableFuture()
              .get(LOOKUP_SECONDS, TimeUnit.SECONDS);
    } catch (ConfigException e) {
      main.fail(e);
      return Main.ERROR;
    } catch (TimeoutException e) {
      result = LookupResult.timeout("no answer within " + LOOKUP_SECONDS + " s");
    } catch (ExecutionException e) {
      main.fail(e.getCause());
      return Main.ERROR; // the dispatcher never fails; this is a bug
    }
    return switch (result.status()) {
      case OK -> {
        main.out.println(result.text());
        yield Main.OK;
      }
      case NOTFOUND -> Main.FAILED;
      case TEMP, TIMEOUT, PERM -> {
        main.err.println("sockmapd: " + result.status() + " " + result.text());
        yield Main.ERROR;
      }
    };
  }
}
