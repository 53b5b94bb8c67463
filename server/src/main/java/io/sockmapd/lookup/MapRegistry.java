package io.sockmapd.lookup;

import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The maps the daemon serves, by the name clients send in each request, and the SMTPD access
 * policies, by the name their listeners give. Both sets are immutable; a configuration reload
 * {@linkplain #replace replaces} them as a whole, so a request sees either the old ones or the new
 * ones, never a mix.
 */
public final class MapRegistry {
  /** Swapped as one, so maps and policies always come from the same configuration. */
  private record Served(Map<String, MapLookup> maps, Map<String, PolicyLookup> policies) {}

  private volatile Served served;

  public MapRegistry(Map<String, MapLookup> maps) {
    this(maps, Map.of());
  }

  public MapRegistry(Map<String, MapLookup> maps, Map<String, PolicyLookup> policies) {
    this.served = new Served(Map.copyOf(maps), Map.copyOf(policies));
  }

  /** Returns the map with that name, or null when no map of that name is configured. */
  public @Nullable MapLookup find(String name) {
    return served.maps().get(name);
  }

  public Set<String> names() {
    return served.maps().keySet();
  }

  /** Returns the policy with that name, or null when no policy of that name is configured. */
  public @Nullable PolicyLookup findPolicy(String name) {
    return served.policies().get(name);
  }

  /**
   * Serves {@code next} from now on. Lookups already handed a map of the old set finish on it;
   * every {@link #find} after this call sees the new set.
   */
  public void replace(Map<String, MapLookup> next) {
    replace(next, Map.of());
  }

  /** As {@link #replace(Map)}, with the policies of the same configuration. */
  public void replace(Map<String, MapLookup> next, Map<String, PolicyLookup> nextPolicies) {
    served = new Served(Map.copyOf(next), Map.copyOf(nextPolicies));
  }
}
