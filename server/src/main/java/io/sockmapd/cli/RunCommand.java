package io.sockmapd.cli;

import io.sockmapd.Daemon;
import io.sockmapd.config.ConfigException;
import io.sockmapd.net.ServerStartException;
import io.sockmapd.reload.HangupSignal;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.logging.log4j.Level;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code sockmapd run}: serve until SIGTERM or SIGINT; reload on SIGHUP. */
@Command(
    name = "run",
    description = {
      "Start the daemon and serve until SIGTERM or SIGINT (graceful shutdown).",
      "SIGHUP reloads the configuration file."
    })
final class RunCommand implements Callable<Integer> {
  /** How long a SIGTERM that arrives during the start waits for it before the JVM just exits. */
  private static final Duration START_WAIT = Duration.ofSeconds(60);

  private final Main main;
  @Mixin ConfigOption config;

  RunCommand(Main main) {
    this.main = main;
  }

  @Override
  public Integer call() throws InterruptedException {
    main.configureLogging(Level.INFO);
    HangupSignal hangup = HangupSignal.install();
    // The shutdown hook is in place before the listeners open: a SIGTERM that comes once a
    // client could connect (a supervisor, a test that saw the socket answer) waits for the start
    // and stops the daemon cleanly (exit 0), instead of the JVM exiting 143 mid-start.
    CompletableFuture<Daemon> started = new CompletableFuture<>();
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> stopOnceStarted(started), "sockmapd-shutdown"));
    Daemon daemon;
    try {
      daemon = Daemon.start(config.load(), main.backends, config::load);
    } catch (ConfigException e) {
      started.completeExceptionally(e);
      main.fail(e);
      return Main.CONFIG_ERROR;
    } catch (ServerStartException e) {
      started.completeExceptionally(e);
      // Not a config error: a port in use or a directory not there yet may be gone on a restart.
      main.fail(e);
      return Main.FAILED;
    } catch (RuntimeException | Error e) {
      started.completeExceptionally(e);
      throw e;
    }
    started.complete(daemon);
    hangup.reloadWith(daemon.reloader());
    daemon.awaitStopped();
    return Main.OK;
  }

  /** The shutdown hook: stops the daemon once it has started; nothing when its start failed. */
  private static void stopOnceStarted(CompletableFuture<Daemon> started) {
    Daemon daemon;
    try {
      daemon = started.get(START_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    daemon.closeForJvmShutdown();
  }
}
