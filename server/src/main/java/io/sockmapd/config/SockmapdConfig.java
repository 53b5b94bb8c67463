package io.sockmapd.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The whole daemon configuration, read once at start and never mutated.
 *
 * @param listen the endpoints to serve
 * @param unixSocketMode file mode given to unix sockets (e.g. 0660)
 * @param limits server-wide limits
 * @param shutdownTimeout how long in-flight lookups may take to finish at shutdown
 * @param databases named databases, in file order
 * @param maps named maps, in file order
 * @param controlSocket the admin endpoint for cache flushes (unix or loopback inet), or null for
 *     none; the normal listeners never accept control commands
 */
public record SockmapdConfig(
    List<Endpoint> listen,
    int unixSocketMode,
    Limits limits,
    Duration shutdownTimeout,
    Map<String, DatabaseConfig> databases,
    Map<String, MapConfig> maps,
    @Nullable Endpoint controlSocket) {

  public static final int DEFAULT_UNIX_SOCKET_MODE = 0660;
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);

  public SockmapdConfig {
    listen = List.copyOf(listen);
    // Unmodifiable views keep the file order (Map.copyOf would not).
    databases = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(databases));
    maps = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(maps));
  }
}
