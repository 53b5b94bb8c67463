package io.sockmapd.cli;

import io.sockmapd.lookup.BackendFactory;
import io.sockmapd.lookup.LookupBackend;
import io.sockmapd.lookup.MapLookup;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** The backend the command line uses: the one place where the daemon is wired to its maps. */
public final class Backends {
  /**
   * Placeholder until the SQL backend is wired in: serves no maps, so every request is answered
   * {@code PERM unknown map} and the daemon logs each configured map as not served.
   */
  public static final BackendFactory DEFAULT =
      (vertx, config) ->
          new LookupBackend() {
            @Override
            public Map<String, MapLookup> maps() {
              return Map.of();
            }

            @Override
            public CompletionStage<Void> close(Duration timeout) {
              return CompletableFuture.completedFuture(null);
            }
          };

  private Backends() {}
}
