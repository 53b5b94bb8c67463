package io.sockmapd.metrics;

import io.sockmapd.config.DatabaseConfig;
import io.sockmapd.config.HostAndPort;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Whether each database node is in the rotation, as the cluster executors report it: every node
 * starts up (as theirs do), goes down and comes back with their {@code NodeStateListener} calls.
 * Readiness and the {@code node_up} gauges read it. Thread-safe; the set of nodes is fixed.
 */
final class NodeStates {
  /** database name → node ({@code host:port}) → up. */
  private final Map<String, Map<String, AtomicBoolean>> nodes = new LinkedHashMap<>();

  NodeStates(Collection<DatabaseConfig> databases) {
    for (DatabaseConfig database : databases) {
      Map<String, AtomicBoolean> byNode = new LinkedHashMap<>();
      for (HostAndPort host : database.hosts()) {
        byNode.put(host.toString(), new AtomicBoolean(true));
      }
      nodes.put(database.name(), byNode);
    }
  }

  /** Every configured node, for the gauges. */
  Map<String, Map<String, AtomicBoolean>> all() {
    return nodes;
  }

  void set(String database, String node, boolean up) {
    Map<String, AtomicBoolean> byNode = nodes.get(database);
    AtomicBoolean state = byNode == null ? null : byNode.get(node);
    if (state != null) {
      state.set(up);
    }
  }

  /**
   * The databases that have nodes but none of them up; a database without nodes (SQLite, a local
   * file) is never down here.
   */
  List<String> databasesDown() {
    List<String> down = new ArrayList<>();
    nodes.forEach(
        (database, byNode) -> {
          if (!byNode.isEmpty() && byNode.values().stream().noneMatch(AtomicBoolean::get)) {
            down.add(database);
          }
        });
    return down;
  }
}
