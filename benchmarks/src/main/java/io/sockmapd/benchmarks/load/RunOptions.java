package io.sockmapd.benchmarks.load;

import java.nio.file.Path;

/**
 * The options that every load generator takes, with their defaults: the key file, how many
 * connections, and how long to warm up and to measure. Each generator reads its own options and
 * hands the others to {@link #take}.
 */
final class RunOptions {
  /** The key file ({@link LoadGenerator#readKeys}); null until {@code --keys} is given. */
  Path keys;

  int connections = 32;
  double seconds = 5;
  double warmup = 1;

  /** Reads {@code option value} when it is one of these options; false when it is not. */
  boolean take(String option, String value) {
    switch (option) {
      case "--keys" -> keys = Path.of(value);
      case "--connections" -> connections = Integer.parseInt(value);
      case "--seconds" -> seconds = Double.parseDouble(value);
      case "--warmup" -> warmup = Double.parseDouble(value);
      default -> {
        return false;
      }
    }
    return true;
  }
}
