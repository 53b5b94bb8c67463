package io.sockmapd.sql.cluster;

import io.sockmapd.cluster.ClusterNode;
import io.sockmapd.cluster.NodeHealth;
import io.sockmapd.lookup.LookupResult;
import io.sockmapd.sql.LookupAdmission.Admitted;
import io.sockmapd.sql.LookupFailure;
import io.sockmapd.sql.SqlErrorClassifier;
import io.sockmapd.sql.SqlErrorClassifier.Scope;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * One lookup's attempts over a cluster's nodes, within its admission's deadline: it takes the next
 * node that is up and not yet tried, waits at most {@code connect_timeout} for a connection, runs
 * its statement, and goes on to the next node when the node failed. The nodes' state is {@link
 * NodeHealth}'s; this only reports what it saw.
 *
 * <ul>
 *   <li>A failure of scope {@link Scope#NODE} (refused, reset, closed, TLS or login failure) takes
 *       the node down and the lookup moves on.
 *   <li>No connection within {@code connect_timeout}, or no answer to a statement within it, gets
 *       the node probed: a hung node goes down, a merely busy or slow one stays. The lookup moves
 *       on at once when no connection came; a statement still running is left to answer unless its
 *       node goes down.
 *   <li>Any other failure is the statement's own (every node would answer alike) and is the answer.
 *   <li>With no node left, the lookup fails at once ({@code TEMP}).
 * </ul>
 *
 * <p>Steps run one after another (each starts from the previous one's callback), so only {@link
 * #queryNode} is read from another thread (the deadline timer).
 */
final class ClusterLookup<T> {
  private final Vertx vertx;
  private final NodeHealth<Pool> health;
  private final long connectTimeoutMillis;
  private final Function<SqlConnection, Future<T>> work;
  private final Admitted<T> lookup;
  private final boolean[] tried;
  private @Nullable String lastNodeFailure;

  /** The driver's failure behind {@link #lastNodeFailure} when it was TLS; for check. */
  private @Nullable Throwable lastTlsFailure;

  /** True once a node failed this lookup (not merely had no connection free in time). */
  private boolean nodeTrouble;

  private volatile @Nullable ClusterNode<Pool> queryNode;

  ClusterLookup(
      Vertx vertx,
      NodeHealth<Pool> health,
      long connectTimeoutMillis,
      Function<SqlConnection, Future<T>> work,
      Admitted<T> lookup) {
    this.vertx = vertx;
    this.health = health;
    this.connectTimeoutMillis = connectTimeoutMillis;
    this.work = work;
    this.lookup = lookup;
    this.tried = new boolean[health.size()];
  }

  void start() {
    lookup.onDeadline(
        () -> {
          ClusterNode<Pool> node = queryNode;
          if (node != null) {
            // Slow query or a node that stopped answering? A fresh connection tells.
            health.suspect(node);
          }
        });
    tryNextNode();
  }

  /** The current attempt ended; the lookup either goes on to another node or is done. */
  private void attemptEnded() {
    lookup.workEnded();
  }

  private void tryNextNode() {
    if (lookup.isAnswered()) {
      return;
    }
    NodeHealth.Picked<Pool> picked = health.pick(tried);
    if (picked == null) {
      lookup.fail(noNode());
      return;
    }
    tried[picked.index()] = true;
    long remaining = lookup.remainingMillis();
    if (remaining <= 0) {
      return; // the deadline timer answers
    }
    lookup.workStarted();
    long acquireMillis = Math.min(connectTimeoutMillis, remaining);
    ClusterNode<Pool> node = picked.node();
    Pool pool = picked.pool();
    AtomicBoolean settled = new AtomicBoolean();
    long acquireTimer =
        vertx.setTimer(
            acquireMillis,
            id -> {
              if (settled.compareAndSet(false, true)) {
                noConnectionInTime(node);
                attemptEnded();
                tryNextNode();
              }
            });
    pool.getConnection()
        .onComplete(
            ar -> {
              if (!settled.compareAndSet(false, true)) {
                if (ar.succeeded()) {
                  ar.result().close(); // acquired too late: give it back
                }
                return;
              }
              vertx.cancelTimer(acquireTimer);
              if (ar.succeeded()) {
                query(node, pool, ar.result());
                return;
              }
              attemptEnded();
              if (SqlErrorClassifier.isAcquireTimeout(ar.cause())) {
                noConnectionInTime(node); // the pool's own wait limit, same as our timer
              } else if (SqlErrorClassifier.classifyAcquire(ar.cause()).scope() == Scope.NODE) {
                connectionFailed(node, pool, ar.cause(), "database connection failed");
              } else {
                lastNodeFailure = "connection pool full";
              }
              tryNextNode();
            });
  }

  /**
   * No connection from {@code node} within {@code connect_timeout} (or what was left of the
   * deadline). That is no verdict on the node: a hung node and a node whose pool is merely
   * saturated by a burst of lookups look the same from here, and taking a busy node down would push
   * the burst onto the others until every node is down and all lookups get TEMP for {@code
   * retry_interval}. A probe on a fresh connection tells them apart; this lookup moves on.
   */
  private void noConnectionInTime(ClusterNode<Pool> node) {
    health.suspect(node);
    lastNodeFailure = "no connection free in time";
  }

  /** A node failed this lookup at the connection level: TLS, or {@code otherwise}. */
  private void connectionFailed(
      ClusterNode<Pool> node, Pool pool, Throwable cause, String otherwise) {
    health.nodeFailed(node, pool, cause);
    // The node's own record, not this cause: when several lookups fail on one connection
    // attempt, only the first sees the TLS exception; the others see the connection end.
    lastTlsFailure = node.tlsFailure();
    lastNodeFailure = lastTlsFailure == null ? otherwise : "database TLS failed";
    nodeTrouble = true;
  }

  private void query(ClusterNode<Pool> node, Pool pool, SqlConnection connection) {
    if (lookup.isAnswered()) {
      connection.close();
      attemptEnded();
      return;
    }
    queryNode = node;
    AtomicBoolean settled = new AtomicBoolean();
    // A query still running after connect_timeout gets the node probed: a hung node is then
    // taken down and this lookup retried elsewhere while the deadline allows; a merely slow
    // query is left alone because the probe answers.
    long suspectTimer = vertx.setTimer(connectTimeoutMillis, id -> health.suspect(node));
    Runnable abandon =
        () -> {
          if (settled.compareAndSet(false, true)) {
            vertx.cancelTimer(suspectTimer);
            queryNode = null;
            connection.close();
            lastNodeFailure = "database node stopped answering";
            nodeTrouble = true;
            attemptEnded();
            tryNextNode();
          }
        };
    if (!node.queryStarted(pool, abandon)) {
      abandon.run(); // the node went down between acquisition and now
      return;
    }
    Future<T> answer;
    try {
      answer = work.apply(connection);
    } catch (RuntimeException e) {
      answer = Future.failedFuture(e);
    }
    answer.onComplete(
        ar -> {
          node.queryEnded(abandon);
          if (!settled.compareAndSet(false, true)) {
            return; // abandoned when the node went down; this lookup moved on
          }
          vertx.cancelTimer(suspectTimer);
          queryNode = null;
          connection.close();
          attemptEnded();
          if (ar.succeeded()) {
            // False when the deadline already answered: the late result is dropped here.
            lookup.complete(ar.result());
          } else if (SqlErrorClassifier.classify(ar.cause()).scope() == Scope.NODE) {
            connectionFailed(node, pool, ar.cause(), "database connection lost");
            tryNextNode();
          } else {
            lookup.fail(ar.cause()); // the query's own error: same on every node
          }
        });
  }

  /**
   * Every node is down or has failed this lookup: TEMP at once, so the client retries later. When
   * the nodes were only busy (every connection held by statements that run long), that is what the
   * client is told: the nodes are up, and "no node available" would send the operator looking for
   * an outage that isn't there.
   */
  private LookupFailure noNode() {
    if (lastNodeFailure != null && !nodeTrouble) {
      return new LookupFailure(LookupResult.temp("database busy (" + lastNodeFailure + ")"));
    }
    String reason = "no database node available";
    LookupResult result =
        LookupResult.temp(lastNodeFailure == null ? reason : reason + " (" + lastNodeFailure + ")");
    return lastTlsFailure == null
        ? new LookupFailure(result)
        : new LookupFailure(result, lastTlsFailure);
  }
}
