package io.sockmapd.e2e;

import io.sockmapd.Daemon;
import io.sockmapd.cli.Backends;
import io.sockmapd.config.ConfigLoader;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;

/** The shipped examples, and the daemon started from a config file as {@code sockmapd run} does. */
final class Examples {
  /** Surefire runs in the server module; the examples live at the repository root. */
  static final Path ROOT = Path.of("..", "examples");

  private Examples() {}

  /** A TCP port that was free a moment ago (for configs that can't say "any port"). */
  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /**
   * Starts the real daemon on a config file, through the normal loader and the command line's
   * backend (SQL maps behind their caches).
   */
  static Daemon startDaemon(Path config) throws Exception {
    return Daemon.start(new ConfigLoader().load(config), Backends.DEFAULT);
  }
}
