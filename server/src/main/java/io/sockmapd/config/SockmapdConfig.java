package io.sockmapd.config;

import io.sockmapd.config.schema.TopLevelKeys;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The whole daemon configuration, read once at start and never mutated.
 *
 * @param listeners the endpoints to serve, each with the clients it accepts
 * @param unixSocketMode file mode given to unix sockets (e.g. 0660)
 * @param unixSocketGroup group given to unix sockets (e.g. postfix), or "" to leave the group the
 *     file gets from the daemon
 * @param limits server-wide limits
 * @param shutdownTimeout how long in-flight lookups may take to finish at shutdown
 * @param databases named databases, in file order
 * @param maps named maps, in file order
 * @param controlSocket the admin endpoint for cache flushes (unix or loopback inet), or null for
 *     none; the normal listeners never accept control commands
 * @param admin the HTTP listener for {@code /metrics} and the health checks, or null for none
 * @param policies named SMTPD access policies, in file order
 */
public record SockmapdConfig(
    List<ListenerConfig> listeners,
    int unixSocketMode,
    String unixSocketGroup,
    Limits limits,
    Duration shutdownTimeout,
    Map<String, DatabaseConfig> databases,
    Map<String, MapConfig> maps,
    @Nullable Endpoint controlSocket,
    @Nullable AdminListener admin,
    Map<String, PolicyConfig> policies) {

  // The defaults are the schema's (TopLevelKeys), named here for code that builds a config.
  public static final int DEFAULT_UNIX_SOCKET_MODE =
      Integer.parseInt(TopLevelKeys.UNIX_SOCKET_MODE.defaultValue(), 8);
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT =
      TopLevelKeys.SHUTDOWN_TIMEOUT.defaultValue();

  public SockmapdConfig {
    listeners = List.copyOf(listeners);
    // Unmodifiable views keep the file order (Map.copyOf would not).
    databases = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(databases));
    maps = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(maps));
    policies = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(policies));
  }

  /** A configuration without an admin listener and without policies. */
  public SockmapdConfig(
      List<ListenerConfig> listeners,
      int unixSocketMode,
      String unixSocketGroup,
      Limits limits,
      Duration shutdownTimeout,
      Map<String, DatabaseConfig> databases,
      Map<String, MapConfig> maps,
      @Nullable Endpoint controlSocket) {
    this(
        listeners,
        unixSocketMode,
        unixSocketGroup,
        limits,
        shutdownTimeout,
        databases,
        maps,
        controlSocket,
        null,
        Map.of());
  }

  /**
   * A configuration whose listeners accept every client and whose unix sockets keep the daemon's
   * group: for configurations built in code, where no allow list is asked for.
   */
  public SockmapdConfig(
      List<Endpoint> listen,
      int unixSocketMode,
      Limits limits,
      Duration shutdownTimeout,
      Map<String, DatabaseConfig> databases,
      Map<String, MapConfig> maps,
      @Nullable Endpoint controlSocket) {
    this(
        listen.stream().map(ListenerConfig::open).toList(),
        unixSocketMode,
        "",
        limits,
        shutdownTimeout,
        databases,
        maps,
        controlSocket);
  }

  /** The endpoints of {@link #listeners()}, in order. */
  public List<Endpoint> listen() {
    return listeners.stream().map(ListenerConfig::endpoint).toList();
  }
}
