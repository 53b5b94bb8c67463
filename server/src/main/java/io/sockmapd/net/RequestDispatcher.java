package io.sockmapd.net;

import io.sockmapd.lookup.LookupResult;
import io.sockmapd.lookup.MapLookup;
import io.sockmapd.lookup.MapRegistry;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The rules that turn one (map name, key) into a lookup outcome, shared by the listeners and by
 * {@code sockmapd query} so both answer alike:
 *
 * <ul>
 *   <li>an unknown map is {@code PERM unknown map NAME} (a configuration error on one side; logged
 *       once per name, not once per request);
 *   <li>an empty key is {@code NOTFOUND} without asking the map ({@code postmap -q ''} sends one);
 *   <li>a map that throws or completes exceptionally (a bug, by the {@link MapLookup} contract) is
 *       {@code TEMP internal error}, logged at ERROR, and never takes the server down.
 * </ul>
 */
public final class RequestDispatcher {
  private static final Logger LOG = LogManager.getLogger(RequestDispatcher.class);

  /** Beyond this many distinct unknown names, further ones share one throttled log line. */
  private static final int MAX_REMEMBERED_UNKNOWN_MAPS = 256;

  static final LookupResult INTERNAL_ERROR = LookupResult.temp("internal error");

  private final MapRegistry maps;
  private final Set<String> warnedUnknownMaps = ConcurrentHashMap.newKeySet();
  private final LogThrottle unknownMapThrottle = new LogThrottle(Duration.ofSeconds(10));
  private final LogThrottle internalErrorThrottle = new LogThrottle(Duration.ofSeconds(1));

  public RequestDispatcher(MapRegistry maps) {
    this.maps = maps;
  }

  /**
   * Looks up {@code key} (as received) in the map named {@code mapName}. The stage never completes
   * exceptionally and may complete on any thread.
   */
  public CompletionStage<LookupResult> dispatch(String mapName, String key) {
    MapLookup map = maps.find(mapName);
    if (map == null) {
      warnUnknownMap(mapName);
      return CompletableFuture.completedFuture(LookupResult.perm("unknown map " + mapName));
    }
    if (key.isEmpty()) {
      return CompletableFuture.completedFuture(LookupResult.notFound());
    }
    CompletionStage<LookupResult> stage;
    try {
      stage = map.lookup(key);
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(internalError(mapName, e));
    }
    if (stage == null) {
      return CompletableFuture.completedFuture(
          internalError(mapName, new NullPointerException("lookup returned null")));
    }
    return stage.handle(
        (result, error) -> {
          if (error != null) {
            return internalError(mapName, error);
          }
          if (result == null) {
            return internalError(mapName, new NullPointerException("lookup result was null"));
          }
          return result;
        });
  }

  private LookupResult internalError(String mapName, Throwable error) {
    long suppressed = internalErrorThrottle.tryAcquire();
    if (suppressed >= 0) {
      LOG.error(
          "map {} failed a lookup (answered TEMP internal error{})",
          mapName,
          suppressed > 0 ? "; " + suppressed + " similar errors not logged" : "",
          error);
    }
    return INTERNAL_ERROR;
  }

  private void warnUnknownMap(String mapName) {
    if (warnedUnknownMaps.contains(mapName)) {
      return;
    }
    if (warnedUnknownMaps.size() < MAX_REMEMBERED_UNKNOWN_MAPS) {
      if (warnedUnknownMaps.add(mapName)) {
        LOG.warn(
            "request for unknown map \"{}\" (answered PERM; configured maps: {})",
            printable(mapName),
            maps.names());
      }
      return;
    }
    long suppressed = unknownMapThrottle.tryAcquire();
    if (suppressed >= 0) {
      LOG.warn(
          "request for unknown map \"{}\" (answered PERM; {} more such requests not logged)",
          printable(mapName),
          suppressed);
    }
  }

  /** A client-chosen name goes into the log: keep it one short line. */
  static String printable(String text) {
    StringBuilder out = new StringBuilder(Math.min(text.length(), 100));
    for (int i = 0; i < text.length() && out.length() < 100; i++) {
      char c = text.charAt(i);
      out.append(Character.isISOControl(c) ? '?' : c);
    }
    return text.length() > 100 ? out + "..." : out.toString();
  }
}
