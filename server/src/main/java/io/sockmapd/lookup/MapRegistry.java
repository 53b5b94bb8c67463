package io.sockmapd.lookup;

import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** The maps the daemon serves, by the name clients send in each request. Immutable. */
public final class MapRegistry {
  private final Map<String, MapLookup> maps;

  public MapRegistry(Map<String, MapLookup> maps) {
    this.maps = Map.copyOf(maps);
  }

  /** Returns the map with that name, or null when no map of that name is configured. */
  public @Nullable MapLookup find(String name) {
    return maps.get(name);
  }

  public Set<String> names() {
    return maps.keySet();
  }
}
