package io.sockmapd.net;

import io.sockmapd.lookup.CacheControl;
import io.sockmapd.lookup.LookupResult;
import io.sockmapd.lookup.MapLookup;
import io.sockmapd.lookup.MapRegistry;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The admin commands served on the control socket, spoken as socketmap lookups in the map {@value
 * #MAP_NAME} so that any socketmap client (and {@code sockmapd flush}) can send them:
 *
 * <ul>
 *   <li>{@code flush MAP} → {@code OK flushed MAP}, or {@code NOTFOUND} if that map has no cache;
 *   <li>{@code flush *} → {@code OK flushed all};
 *   <li>{@code reload} → {@code OK reloaded: ...} once the new configuration serves, or {@code PERM
 *       reload failed: REASON} (the old one still serves);
 *   <li>{@code ping} → {@code OK pong};
 *   <li>anything else → {@code PERM unknown command}.
 * </ul>
 */
public final class ControlCommands implements MapLookup {
  /** The map name control requests use. */
  public static final String MAP_NAME = "control";

  private static final Logger LOG = LogManager.getLogger(ControlCommands.class);
  private static final String FLUSH = "flush ";
  private static final String RELOAD = "reload";

  private final CacheControl cacheControl;

  public ControlCommands(CacheControl cacheControl) {
    this.cacheControl = cacheControl;
  }

  /** A registry holding only the control map, for the control listener. */
  static MapRegistry registry(CacheControl cacheControl) {
    return new MapRegistry(Map.of(MAP_NAME, new ControlCommands(cacheControl)));
  }

  @Override
  public CompletionStage<LookupResult> lookup(String command) {
    if (command.equals(RELOAD)) {
      return reload();
    }
    return CompletableFuture.completedFuture(execute(command));
  }

  private CompletionStage<LookupResult> reload() {
    if (!(cacheControl instanceof ReloadControl control)) {
      return CompletableFuture.completedFuture(LookupResult.perm("reload not available"));
    }
    return control
        .reload()
        .handle(
            (summary, failure) ->
                failure == null
                    ? LookupResult.found("reloaded: " + summary)
                    : LookupResult.perm("reload failed: " + reason(failure)));
  }

  private static String reason(Throwable failure) {
    Throwable cause =
        failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    return cause.getMessage() == null ? cause.toString() : cause.getMessage();
  }

  private LookupResult execute(String command) {
    if (command.equals("ping")) {
      return LookupResult.found("pong");
    }
    if (command.startsWith(FLUSH)) {
      String map = command.substring(FLUSH.length());
      if (map.equals("*")) {
        cacheControl.flushAll();
        LOG.info("control: flushed the caches of all maps");
        return LookupResult.found("flushed all");
      }
      if (cacheControl.flush(map)) {
        LOG.info("control: flushed the cache of map {}", map);
        return LookupResult.found("flushed " + map);
      }
      return LookupResult.notFound();
    }
    return LookupResult.perm("unknown command");
  }
}
