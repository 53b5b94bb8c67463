package io.sockmapd.cli;

import io.sockmapd.codec.SocketmapStatus;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code sockmapd flush [MAP]}: ask the running daemon to drop cached answers. */
@Command(
    name = "flush",
    description = {
      "Drop the cached answers of MAP (of every map without MAP) in the running daemon,",
      "through its control_socket. Exit 0 when flushed."
    })
final class FlushCommand implements Callable<Integer> {
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final Main main;
  @Mixin ConfigOption config;

  @Parameters(index = "0", arity = "0..1", paramLabel = "MAP", description = "The map to flush.")
  @Nullable String mapName;

  FlushCommand(Main main) {
    this.main = main;
  }

  @Override
  public Integer call() {
    return new ControlSocketCall(main, config)
        .run(
            "flush " + (mapName == null ? "*" : mapName),
            TIMEOUT,
            reply ->
                reply.status() == SocketmapStatus.NOTFOUND
                    ? "map " + mapName + " has no cache"
                    : reply.status() + " " + reply.text());
  }
}
