package io.sockmapd.sql;

import io.sockmapd.config.DatabaseConfig;
import java.util.ArrayDeque;

/**
 * The share of a database's connections that one map may hold at once: at most {@link #limit}
 * statements of the map run together; the map's further lookups wait here, in arrival order and
 * within their own deadline, for one of them to end. Without it, a map whose statements hang (a
 * table locked for longer than {@code lookup_timeout}) holds every pooled connection, and the other
 * maps of the database, which are perfectly healthy, fail for want of a connection.
 *
 * <p>Written here rather than with a semaphore library: waiting must not block a thread (callers
 * are event loops), and a waiter whose lookup is answered meanwhile must pass its turn on at once.
 *
 * <p>Thread safety: the counters are guarded by this object's lock, which is never held while a
 * waiter starts.
 */
public final class StatementShare {
  private final int limit;
  private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
  private int holding;

  public StatementShare(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit " + limit);
    }
    this.limit = limit;
  }

  /**
   * The statements one map of {@code database} may run at once: every connection of its nodes but
   * one, so that another map always finds a connection, however slow this map's statements are (a
   * pool of one connection can't be shared: the map then gets it).
   */
  public static int perMap(DatabaseConfig database) {
    int nodes = Math.max(1, database.hosts().size());
    return Math.max(1, database.poolSize() * nodes - 1);
  }

  public int limit() {
    return limit;
  }

  /**
   * Runs {@code start} now if the map holds fewer than {@link #limit} statements, otherwise once
   * one of them ends. From then on the caller holds a place and must {@link #release} it exactly
   * once, also when its lookup was answered (deadline passed) before {@code start} ran.
   */
  public void acquire(Runnable start) {
    synchronized (this) {
      if (holding >= limit) {
        waiting.add(start);
        return;
      }
      holding++;
    }
    start.run();
  }

  /** Gives a place back; the longest waiter, if any, takes it over. */
  public void release() {
    Runnable next;
    synchronized (this) {
      next = waiting.poll();
      if (next == null) {
        holding--;
        return;
      }
    }
    next.run();
  }

  /** Statements the map holds now; for tests. */
  public synchronized int holding() {
    return holding;
  }
}
