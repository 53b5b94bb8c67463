package io.sockmapd.cluster;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Clients taken from nodes that went down, and probe clients that were not kept, while they close.
 * They are closed in the background, never waited for: a pool with connections stuck on a hung node
 * may never finish closing. {@link #closeAgain} gives those left a last chance when the cluster
 * closes.
 */
final class RetiredClients<C> {
  private final List<C> closing = new ArrayList<>();
  private final Function<C, Future<Void>> closer;

  RetiredClients(Function<C, Future<Void>> closer) {
    this.closer = closer;
  }

  /** Closes {@code client} without waiting for it. */
  void retire(C client) {
    synchronized (closing) {
      closing.add(client);
    }
    closer
        .apply(client)
        .onComplete(
            ar -> {
              synchronized (closing) {
                closing.remove(client);
              }
            });
  }

  /** Closes every client that has not finished closing yet, again; the caller bounds the wait. */
  List<Future<Void>> closeAgain() {
    List<Future<Void>> closes = new ArrayList<>();
    synchronized (closing) {
      for (C client : closing) {
        closes.add(closer.apply(client));
      }
    }
    return closes;
  }
}
