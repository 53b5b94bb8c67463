package io.sockmapd.config.schema;

import java.time.Duration;

/** The keys of the top-level object. */
public final class TopLevelKeys {
  public static final Section SECTION = new Section("top-level");

  public static final ListKey LISTEN =
      SECTION.list(
          "listen",
          "list of endpoints (`inet:HOST:PORT`, `unix:PATH`, or an object with `address` and"
              + " `allow`)",
          "required",
          "endpoints to serve, and who may connect to each (see [Listeners](#listeners))");
  public static final ListKey ALLOW =
      SECTION.list(
          "allow",
          "list of IPv4 and IPv6 networks (CIDR)",
          "none",
          "the clients every inet listener without its own `allow` accepts (see [Who may"
              + " connect](#who-may-connect-allow))");
  public static final TextKey UNIX_SOCKET_MODE =
      SECTION.text(
          "unix_socket_mode",
          "octal file mode",
          "0660",
          "`\"0660\"`",
          "file mode of the unix sockets (listeners and control socket)");
  public static final TextKey UNIX_SOCKET_GROUP =
      SECTION.text(
          "unix_socket_group",
          "group name",
          "the daemon's group",
          "group of the unix sockets (listeners and control socket), e.g. `postfix`; given"
              + " before the mode is set");
  public static final TextKey CONTROL_SOCKET =
      SECTION.text(
          "control_socket",
          "`unix:PATH` or a loopback `inet:` endpoint",
          "none",
          "admin endpoint for cache flushes (see [Control socket](#control-socket-cache-flushes))");
  public static final TextKey ADMIN_LISTEN =
      SECTION.text(
          "admin_listen",
          "`inet:HOST:PORT`",
          "none",
          "HTTP listener for `/metrics` and the health checks (see [Admin"
              + " listener](#admin-listener-metrics-and-health-checks))");
  public static final ListKey ADMIN_ALLOW =
      SECTION.list(
          "admin_allow",
          "list of IPv4 and IPv6 networks (CIDR)",
          "loopback only",
          "the clients `admin_listen` answers; others are disconnected without an answer");
  public static final ObjectKey LIMITS =
      SECTION.object("limits", "object", "see [Limits](#limits)", "connection and size limits");
  public static final DurationKey SHUTDOWN_TIMEOUT =
      SECTION.duration(
          "shutdown_timeout",
          Duration.ofSeconds(10),
          Duration.ZERO,
          Duration.ofHours(1),
          "how long lookups in flight may finish at shutdown");
  public static final FlagKey SMTPUTF8_ENABLE =
      SECTION.flag(
          "smtputf8_enable",
          true,
          "the `smtputf8_enable` of the Postfix that asks, for every map that does not set its own"
              + " (see [Case folding](#maps-one-query-each))");
  public static final ObjectKey DATABASES =
      SECTION.object(
          "databases",
          "object of named databases",
          "none",
          "named databases (see [`databases`](#databases-where-the-data-lives))");
  public static final ObjectKey MAPS =
      SECTION.object(
          "maps",
          "object of named maps",
          "required",
          "named maps (see [`maps`](#maps-one-query-each)); the name is what the MTA sends");
  public static final ObjectKey POLICIES =
      SECTION.object(
          "policies",
          "object of named policies",
          "none",
          "named SMTPD access policies that `\"protocol\": \"policy\"` listeners answer Postfix's"
              + " `check_policy_service` from (see [Policies](#policies-smtpd-policy-delegation))");

  private TopLevelKeys() {}
}
