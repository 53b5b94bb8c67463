package io.sockmapd.cluster;

import io.sockmapd.config.HostAndPort;
import io.vertx.core.Future;
import org.jspecify.annotations.Nullable;

/**
 * What {@link NodeHealth} needs from an engine to keep a cluster's nodes: a client per node (a SQL
 * pool, an HTTP client with its keep-alive pool), a probe on a fresh one, and how to word a
 * failure. Everything else about failover (the rotation, taking a node down once, the probe pace,
 * retired clients) is the same for every engine and lives in this package.
 *
 * @param <C> the engine's per-node client
 */
public interface NodeClients<C> {

  /** A fresh client for {@code node}; opens no connection yet. Called at start and per probe. */
  C create(HostAndPort node);

  /**
   * One cheap request on {@code client}, fresh for {@code node}, that succeeds when the node serves
   * ({@code SELECT 1}, an HTTP request). The caller bounds it by {@code connect_timeout}.
   */
  Future<?> probe(HostAndPort node, C client);

  /** Closes {@code client} and whatever connections it holds. */
  Future<Void> close(C client);

  /** A failure in a few words for the log and the lookup's reason; never a secret. */
  String describe(Throwable failure);

  /**
   * What went wrong with TLS when {@code failure} is a TLS failure (a setting or certificate for
   * the operator to fix, logged at ERROR and probed at the slow pace); null for anything else.
   */
  @Nullable String tlsProblem(Throwable failure);

  /** The TLS settings named in the log line of a TLS failure, e.g. {@code "tls_mode verify-ca"}. */
  String tlsSettings();
}
