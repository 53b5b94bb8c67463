package io.sockmapd.config;

import io.sockmapd.config.schema.ListKey;
import io.sockmapd.config.schema.ListenerKeys;
import io.sockmapd.config.schema.TopLevelKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads {@code listen} and the top-level {@code allow}, and applies the secure default: an inet
 * listener that other hosts can reach must say who may connect.
 *
 * <p>A {@code listen} entry is a string ({@code "inet:127.0.0.1:8732"}, {@code "unix:/path"}) or an
 * object ({@code {"address": "inet:0.0.0.0:8732", "allow": ["192.0.2.0/24"]}}). The top-level
 * {@code allow} is the list of every inet listener without its own.
 */
final class ListenerReader {
  private static final String OPEN_TO_ALL = "[\"0.0.0.0/0\", \"::/0\"]";

  /** One entry as written, before the top-level list and the secure default are applied. */
  private record Entry(
      Endpoint endpoint,
      @Nullable ClientAllowList allow,
      boolean allowGiven,
      @Nullable String tcpTableMap,
      @Nullable String policy) {}

  private static final String SOCKETMAP = "socketmap";
  private static final String TCP_TABLE = "tcp_table";
  private static final String POLICY = "policy";

  private ListenerReader() {}

  /**
   * The listeners, in file order; every problem is reported on {@code root}.
   *
   * @param maps the names of the configured maps, which a tcp_table listener's {@code map} must be
   *     one of
   * @param policies the names of the configured policies, which a policy listener's {@code policy}
   *     must be one of
   */
  static List<ListenerConfig> read(JsonObjectReader root, Set<String> maps, Set<String> policies) {
    boolean defaultGiven = root.has(TopLevelKeys.ALLOW);
    ClientAllowList defaultAllow = readAllow(root, TopLevelKeys.ALLOW);
    int problemsBefore = root.problemCount();
    List<Entry> entries =
        root.stringOrObjectList(
            TopLevelKeys.LISTEN,
            text -> new Entry(Endpoint.parse(text), null, false, null, null),
            r -> entry(r, maps, policies));
    if (!root.has(TopLevelKeys.LISTEN)) {
      root.problem(TopLevelKeys.LISTEN, "is required: a list such as [\"inet:127.0.0.1:8732\"]");
    } else if (entries.isEmpty() && root.problemCount() == problemsBefore) {
      // Only for a list that is really empty: bad entries were each reported already.
      root.problem(TopLevelKeys.LISTEN, "must name at least one endpoint");
    }
    List<ListenerConfig> listeners = new ArrayList<>();
    for (Entry entry : entries) {
      if (!(entry.endpoint() instanceof Endpoint.Inet inet)) {
        listeners.add(
            new ListenerConfig(entry.endpoint(), null, entry.tcpTableMap(), entry.policy()));
        continue;
      }
      ClientAllowList allow = entry.allowGiven() ? entry.allow() : defaultAllow;
      boolean allowGiven = entry.allowGiven() || defaultGiven;
      if (!allowGiven && !IpLiteral.isLoopback(inet.host())) {
        root.problem(
            TopLevelKeys.LISTEN,
            inet
                + " can be reached from other hosts and has no allow list: give it one, as in"
                + " {\"address\": \""
                + inet
                + "\", \"allow\": [\"192.0.2.0/24\"]}, or a top-level \"allow\"; write \"allow\": "
                + OPEN_TO_ALL
                + " to accept every client on purpose");
      }
      listeners.add(new ListenerConfig(inet, allow, entry.tcpTableMap(), entry.policy()));
    }
    return listeners;
  }

  private static @Nullable Entry entry(JsonObjectReader r, Set<String> maps, Set<String> policies) {
    String address = r.required(ListenerKeys.ADDRESS);
    Endpoint endpoint = null;
    if (!address.isEmpty()) {
      try {
        endpoint = Endpoint.parse(address);
      } catch (IllegalArgumentException e) {
        r.problem(ListenerKeys.ADDRESS, e.getMessage());
      }
    }
    boolean allowGiven = r.has(ListenerKeys.ALLOW);
    ClientAllowList allow = readAllow(r, ListenerKeys.ALLOW);
    if (allowGiven && endpoint instanceof Endpoint.Unix) {
      r.problem(
          ListenerKeys.ALLOW,
          "applies only to inet listeners; who may use a unix socket is set by unix_socket_mode"
              + " and unix_socket_group");
    }
    int problemsBefore = r.problemCount();
    String protocol = r.read(ListenerKeys.PROTOCOL);
    boolean tcpTable = protocol.equals(TCP_TABLE);
    boolean policy = protocol.equals(POLICY);
    if (!tcpTable && !policy && !protocol.equals(SOCKETMAP) && r.problemCount() == problemsBefore) {
      r.problem(
          ListenerKeys.PROTOCOL,
          "must be \""
              + SOCKETMAP
              + "\", \""
              + TCP_TABLE
              + "\" or \""
              + POLICY
              + "\", got \""
              + protocol
              + '"');
    }
    String map = tcpTableMap(r, tcpTable, maps);
    String policyName = policy(r, policy, policies);
    r.rejectUnknownKeys();
    return endpoint == null ? null : new Entry(endpoint, allow, allowGiven, map, policyName);
  }

  /** The {@code map} of a tcp_table listener, or null (with a problem if it is wrong). */
  private static @Nullable String tcpTableMap(
      JsonObjectReader r, boolean tcpTable, Set<String> maps) {
    if (!tcpTable) {
      if (r.has(ListenerKeys.MAP)) {
        r.problem(
            ListenerKeys.MAP,
            "applies only to \"protocol\": \"tcp_table\"; socketmap requests name their map");
      }
      return null;
    }
    String map = r.required(ListenerKeys.MAP);
    if (map.isEmpty()) {
      return null;
    }
    if (!maps.contains(map)) {
      r.problem(ListenerKeys.MAP, "names no configured map: \"" + map + "\"; maps: " + maps);
      return null;
    }
    return map;
  }

  /** The {@code policy} of a policy listener, or null (with a problem if it is wrong). */
  private static @Nullable String policy(
      JsonObjectReader r, boolean policyListener, Set<String> policies) {
    if (!policyListener) {
      if (r.has(ListenerKeys.POLICY)) {
        r.problem(ListenerKeys.POLICY, "applies only to \"protocol\": \"policy\"");
      }
      return null;
    }
    String policy = r.required(ListenerKeys.POLICY);
    if (policy.isEmpty()) {
      return null;
    }
    if (!policies.contains(policy)) {
      r.problem(
          ListenerKeys.POLICY,
          "names no configured policy: \"" + policy + "\"; policies: " + policies);
      return null;
    }
    return policy;
  }

  /**
   * A list of networks in CIDR notation under {@code key}, or null when it is absent or has a
   * problem (reported on {@code r}). For any listener's {@code allow}.
   */
  static @Nullable ClientAllowList readAllow(JsonObjectReader r, ListKey key) {
    if (!r.has(key)) {
      return null;
    }
    int problemsBefore = r.problemCount();
    List<String> cidrs = r.read(key);
    if (r.problemCount() > problemsBefore) {
      return null;
    }
    try {
      return ClientAllowList.parse(cidrs);
    } catch (IllegalArgumentException e) {
      r.problem(key, e.getMessage());
      return null;
    }
  }
}
