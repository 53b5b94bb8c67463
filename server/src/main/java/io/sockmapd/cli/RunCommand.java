package io.sockmapd.cli;

import io.sockmapd.Daemon;
import io.sockmapd.config.ConfigException;
import io.sockmapd.net.ServerStartException;
import java.util.concurrent.Callable;
import org.apache.logging.log4j.Level;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code sockmapd run}: serve until SIGTERM or SIGINT. */
@Command(
    name = "run",
    description = "Start the daemon and serve until SIGTERM or SIGINT (graceful shutdown).")
final class RunCommand implements Callable<Integer> {
  private final Main main;
  @Mixin ConfigOption config;

  RunCommand(Main main) {
    this.main = main;
  }

  @Override
  public Integer call() throws InterruptedException {
    main.configureLogging(Level.INFO);
    Daemon daemon;
    try {
      daemon = Daemon.start(config.load(), main.backends);
    } catch (ConfigException | ServerStartException e) {
      main.fail(e);
      return Main.FAILED;
    }
    daemon.closeOnJvmShutdown();
    daemon.awaitStopped();
    return Main.OK;
  }
}
