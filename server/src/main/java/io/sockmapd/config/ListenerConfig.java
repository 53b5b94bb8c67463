package io.sockmapd.config;

import org.jspecify.annotations.Nullable;

/**
 * One entry of {@code listen}: where to listen, who may connect, and what it speaks.
 *
 * @param endpoint the address to serve
 * @param allow the clients an inet listener accepts (its own {@code allow}, else the top-level
 *     one); null for every client: a unix socket (guarded by its file mode and group) or an inet
 *     listener on a loopback address without a list
 * @param tcpTableMap the map a {@code "protocol": "tcp_table"} listener answers from (its requests
 *     name none); null for a socketmap listener
 * @param policy the policy a {@code "protocol": "policy"} listener answers from; null for the other
 *     protocols
 * @param forwardMap for a socketmap listener that answers every map name from one map (a
 *     postfix-rest-connector {@code socketmap-lookup} endpoint): that map, which is handed {@code
 *     "NAME KEY"}; null for a listener whose requests are answered by the map they name
 */
public record ListenerConfig(
    Endpoint endpoint,
    @Nullable ClientAllowList allow,
    @Nullable String tcpTableMap,
    @Nullable String policy,
    @Nullable String forwardMap) {

  /** A socketmap, tcp_table or policy listener. */
  public ListenerConfig(
      Endpoint endpoint,
      @Nullable ClientAllowList allow,
      @Nullable String tcpTableMap,
      @Nullable String policy) {
    this(endpoint, allow, tcpTableMap, policy, null);
  }

  /** A socketmap or tcp_table listener. */
  public ListenerConfig(
      Endpoint endpoint, @Nullable ClientAllowList allow, @Nullable String tcpTableMap) {
    this(endpoint, allow, tcpTableMap, null);
  }

  /** A socketmap listener whose every request, whatever map it names, goes to {@code map}. */
  public static ListenerConfig forwarding(
      Endpoint endpoint, @Nullable ClientAllowList allow, String map) {
    return new ListenerConfig(endpoint, allow, null, null, map);
  }

  /** A socketmap listener. */
  public ListenerConfig(Endpoint endpoint, @Nullable ClientAllowList allow) {
    this(endpoint, allow, null, null);
  }

  /** A listener that accepts every client. */
  public static ListenerConfig open(Endpoint endpoint) {
    return new ListenerConfig(endpoint, null);
  }

  @Override
  public String toString() {
    String served =
        tcpTableMap != null
            ? " tcp_table map " + tcpTableMap
            : policy != null
                ? " policy " + policy
                : forwardMap != null ? " socketmap, every name to map " + forwardMap : "";
    return (allow == null ? endpoint.toString() : endpoint + " allow " + allow) + served;
  }
}
