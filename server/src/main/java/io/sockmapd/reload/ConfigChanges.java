package io.sockmapd.reload;

import io.sockmapd.config.DatabaseConfig;
import io.sockmapd.config.Endpoint;
import io.sockmapd.config.Limits;
import io.sockmapd.config.ListenerConfig;
import io.sockmapd.config.MapConfig;
import io.sockmapd.config.SockmapdConfig;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * What a reload changes between the configuration serving and the one loaded: maps changed, added,
 * removed or unchanged, listeners to open and to close, and settings that only a restart can
 * change.
 *
 * <p>A map is unchanged when its own record and the records of the databases it queries are equal
 * in both files: its cached answers stay valid.
 */
final class ConfigChanges {
  private final SockmapdConfig before;
  private final SockmapdConfig after;

  ConfigChanges(SockmapdConfig before, SockmapdConfig after) {
    this.before = before;
    this.after = after;
  }

  /**
   * The settings that size what the listeners built at start (buffers, connection and client
   * limits, the shutdown sequence): a reload that changes one of them is refused as a whole, so
   * that the daemon always serves one file, never a mix of two.
   *
   * @return their names as written in the file, empty when none changed
   */
  List<String> needingRestart() {
    List<String> names = new ArrayList<>();
    for (RecordComponent component : Limits.class.getRecordComponents()) {
      if (!Objects.equals(value(component, before.limits()), value(component, after.limits()))) {
        names.add("limits." + snakeCase(component.getName()));
      }
    }
    if (before.unixSocketMode() != after.unixSocketMode()) {
      names.add("unix_socket_mode");
    }
    if (!before.unixSocketGroup().equals(after.unixSocketGroup())) {
      names.add("unix_socket_group");
    }
    for (ListenerConfig listener : after.listeners()) {
      // Its admission and protocol are built with it; it is closed and opened anew only when its
      // address changes.
      if (before.listen().contains(listener.endpoint()) && !before.listeners().contains(listener)) {
        names.add("the allow list, protocol, map or policy of " + listener.endpoint());
      }
    }
    if (!before.shutdownTimeout().equals(after.shutdownTimeout())) {
      names.add("shutdown_timeout");
    }
    if (smallestMaxInFlight(before) != smallestMaxInFlight(after)) {
      // The per-client fair share divides it; it is computed once, when the listeners start.
      names.add("the smallest max_in_flight of the databases");
    }
    return names;
  }

  private static @Nullable Object value(RecordComponent component, Limits limits) {
    try {
      return component.getAccessor().invoke(limits);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("cannot read " + component.getName(), e);
    }
  }

  private static String snakeCase(String camelCase) {
    return camelCase.replaceAll("([A-Z])", "_$1").toLowerCase(java.util.Locale.ROOT);
  }

  private static int smallestMaxInFlight(SockmapdConfig config) {
    return config.databases().values().stream()
        .mapToInt(DatabaseConfig::maxInFlight)
        .min()
        .orElse(DatabaseConfig.DEFAULT_MAX_IN_FLIGHT);
  }

  /** Maps in both files whose map and database records are equal. */
  Set<String> unchangedMaps() {
    Set<String> unchanged = new LinkedHashSet<>();
    after
        .maps()
        .forEach(
            (name, map) -> {
              if (map.equals(before.maps().get(name)) && sameDatabases(map)) {
                unchanged.add(name);
              }
            });
    return unchanged;
  }

  private boolean sameDatabases(MapConfig map) {
    List<MapConfig> tables = map.isTableList() ? map.queries() : List.of(map);
    return tables.stream()
        .map(MapConfig::database)
        .allMatch(db -> Objects.equals(before.databases().get(db), after.databases().get(db)));
  }

  /** Map listeners in the new file only, in its order. */
  List<ListenerConfig> listenersToOpen() {
    return after.listeners().stream().filter(l -> !before.listen().contains(l.endpoint())).toList();
  }

  /** The new file's control socket, when it is a new one. */
  @Nullable Endpoint controlSocketToOpen() {
    Endpoint control = after.controlSocket();
    return control == null || control.equals(before.controlSocket()) ? null : control;
  }

  /** Map listeners and the control socket that the new file no longer has. */
  List<Endpoint> listenersToClose() {
    List<Endpoint> gone = new ArrayList<>();
    before.listen().stream().filter(e -> !after.listen().contains(e)).forEach(gone::add);
    Endpoint control = before.controlSocket();
    if (control != null && !control.equals(after.controlSocket())) {
      gone.add(control);
    }
    return gone;
  }

  /**
   * One line for the log and the reply: {@code 3 maps (changed: a; added: b; removed: c), 2
   * listeners (opened: inet:...; closed: ...)}.
   */
  String summary(int cachesKept) {
    Set<String> unchanged = unchangedMaps();
    List<String> changed =
        after.maps().keySet().stream()
            .filter(n -> before.maps().containsKey(n) && !unchanged.contains(n))
            .toList();
    List<String> added =
        after.maps().keySet().stream().filter(n -> !before.maps().containsKey(n)).toList();
    List<String> removed =
        before.maps().keySet().stream().filter(n -> !after.maps().containsKey(n)).toList();
    List<Endpoint> opened = new ArrayList<>();
    listenersToOpen().forEach(l -> opened.add(l.endpoint()));
    if (controlSocketToOpen() != null) {
      opened.add(controlSocketToOpen());
    }
    return after.maps().size()
        + " maps ("
        + part("changed", changed)
        + "; "
        + part("added", added)
        + "; "
        + part("removed", removed)
        + "; caches kept: "
        + cachesKept
        + "), "
        + after.listen().size()
        + " listeners (opened: "
        + names(opened)
        + "; closed: "
        + names(listenersToClose())
        + ")";
  }

  private static String part(String label, List<String> names) {
    return label + ": " + (names.isEmpty() ? "none" : String.join(", ", names));
  }

  private static String names(List<Endpoint> endpoints) {
    return endpoints.isEmpty()
        ? "none"
        : endpoints.stream().map(Endpoint::toString).collect(Collectors.joining(", "));
  }
}
