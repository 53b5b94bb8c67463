package io.sockmapd.cli;

import io.sockmapd.codec.SocketmapResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code sockmapd reload}: ask the running daemon to reload its configuration file. */
@Command(
    name = "reload",
    description = {
      "Make the running daemon reload its configuration file, through its control_socket, and",
      "wait for the outcome. Exit 0 when the new configuration serves; else 1, with the reason",
      "(the previous configuration then keeps serving)."
    })
final class ReloadCommand implements Callable<Integer> {
  /**
   * Long enough for the daemon to check every database of the new file, which takes up to twice
   * {@code connect_timeout + lookup_timeout} (14 s with the defaults).
   */
  static final Duration TIMEOUT = Duration.ofMinutes(2);

  private final Main main;
  @Mixin ConfigOption config;

  ReloadCommand(Main main) {
    this.main = main;
  }

  @Override
  public Integer call() {
    return new ControlSocketCall(main, config).run("reload", TIMEOUT, SocketmapResponse::text);
  }
}
