package io.sockmapd.cli;

import io.sockmapd.codec.SocketmapResponse;
import io.sockmapd.codec.SocketmapStatus;
import io.sockmapd.config.ConfigException;
import io.sockmapd.config.Endpoint;
import io.sockmapd.net.ControlCommands;
import io.sockmapd.net.SocketmapClient;
import java.io.IOException;
import java.time.Duration;
import java.util.function.Function;
import org.apache.logging.log4j.Level;
import org.jspecify.annotations.Nullable;

/**
 * One command sent to the running daemon's {@code control_socket}, found in the config file: what
 * {@code flush} and {@code reload} share. Problems on the way (config invalid, no control socket,
 * daemon not running) are printed as one line each and become the command's exit code.
 */
final class ControlSocketCall {
  private final Main main;
  private final ConfigOption config;

  /** The exit code when {@link #send} got no reply. */
  private int failure = Main.FAILED;

  ControlSocketCall(Main main, ConfigOption config) {
    this.main = main;
    this.config = config;
  }

  /**
   * Sends {@code command} and prints the outcome: an OK reply's text on standard output, else one
   * line on standard error ({@code whyNot} says what a reply other than OK means).
   *
   * @return the command's exit code
   */
  int run(String command, Duration timeout, Function<SocketmapResponse, String> whyNot) {
    main.configureLogging(Level.WARN);
    SocketmapResponse reply = send(command, timeout);
    if (reply == null) {
      return failure;
    }
    if (reply.status() == SocketmapStatus.OK) {
      main.out.println(reply.text());
      return Main.OK;
    }
    main.err.println("sockmapd: " + whyNot.apply(reply));
    return Main.FAILED;
  }

  /** The daemon's reply, or null after printing why there is none. */
  private @Nullable SocketmapResponse send(String command, Duration timeout) {
    Endpoint endpoint;
    try {
      endpoint = config.load().controlSocket();
    } catch (ConfigException e) {
      main.fail(e);
      failure = Main.CONFIG_ERROR;
      return null;
    }
    if (endpoint == null) {
      main.err.println("sockmapd: " + config.file + ": no control_socket configured");
      return null;
    }
    try (SocketmapClient client = SocketmapClient.connect(endpoint, timeout)) {
      return client.query(ControlCommands.MAP_NAME, command);
    } catch (IOException e) {
      main.err.println("sockmapd: control socket " + endpoint + ": " + e.getMessage());
      return null;
    }
  }
}
