package io.sockmapd.cli;

import io.sockmapd.codec.SocketmapResponse;
import io.sockmapd.codec.SocketmapStatus;
import io.sockmapd.config.ConfigException;
import io.sockmapd.config.Endpoint;
import io.sockmapd.net.BlockingSocketmapClient;
import io.sockmapd.net.ControlCommands;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.apache.logging.log4j.Level;
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
    main.configureLogging(Level.WARN);
    Endpoint endpoint;
    try {
      endpoint = config.load().controlSocket();
    } catch (ConfigException e) {
      main.fail(e);
      return Main.FAILED;
    }
    if (endpoint == null) {
      main.err.println("sockmapd: " + config.file + ": no control_socket configured");
      return Main.FAILED;
    }
    String command = "flush " + (mapName == null ? "*" : mapName);
    SocketmapResponse reply;
    try (BlockingSocketmapClient client = BlockingSocketmapClient.connect(endpoint, TIMEOUT)) {
      reply = client.query(ControlCommands.MAP_NAME, command);
    } catch (IOException e) {
      main.err.println("sockmapd: control socket " + endpoint + ": " + e.getMessage());
      return Main.FAILED;
    }
    if (reply.status() == SocketmapStatus.OK) {
      main.out.println(reply.text());
      return Main.OK;
    }
    if (reply.status() == SocketmapStatus.NOTFOUND) {
      main.err.println("sockmapd: map " + mapName + " has no cache");
    } else {
      main.err.println("sockmapd: " + reply.status() + " " + reply.text());
    }
    return Main.FAILED;
  }
}
