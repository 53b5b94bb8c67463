package io.sockmapd.net;

import io.netty.channel.Channel;
import io.sockmapd.codec.FrameBudget;
import io.sockmapd.log.LogThrottle;
import io.sockmapd.metrics.DaemonMetrics;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The daemon-wide budget ({@code max_buffered_bytes}) for bytes that clients make the server hold:
 * payloads of requests that have arrived only in part, and replies queued for a client that has not
 * taken them yet. Every connection has an {@link Account}; memory is reserved before it is
 * committed and given back when the frame is complete or the reply is on the wire.
 *
 * <p>When a reservation would go over the budget, the connection holding the most (on a tie the one
 * asking, else the newest) is closed and its reservations are written off at once, until the
 * reservation fits. So a stalled or non-reading client loses its connection, while a well-behaved
 * one, which holds little, gets its few bytes. Lock-free: accounts are touched from their own event
 * loop, and written off from any.
 */
final class BufferBudget {
  private static final Logger LOG = LogManager.getLogger(BufferBudget.class);

  private final long maxBytes;
  private final AtomicLong used = new AtomicLong();
  private final AtomicLong openedAccounts = new AtomicLong();
  private final Set<Account> accounts = ConcurrentHashMap.newKeySet();
  private final AtomicLong evictions = new AtomicLong();
  private final LogThrottle evictionLog;
  private final DaemonMetrics metrics;

  BufferBudget(long maxBytes) {
    this(maxBytes, DaemonMetrics.NONE);
  }

  BufferBudget(long maxBytes, DaemonMetrics metrics) {
    this.maxBytes = maxBytes;
    this.metrics = metrics;
    this.evictionLog = new LogThrottle(Duration.ofSeconds(10), "max_buffered_bytes", metrics);
  }

  /** Opens the account of a new connection; it closes with the channel. */
  Account open(Channel channel) {
    Account account = new Account(channel, openedAccounts.incrementAndGet());
    accounts.add(account);
    var unused = channel.closeFuture().addListener(f -> account.closed());
    return account;
  }

  /** Bytes reserved now, by all connections. */
  long usedBytes() {
    return used.get();
  }

  /** Connections closed for the budget since start. */
  long evictions() {
    return evictions.get();
  }

  private boolean reserve(Account account, long bytes) {
    while (true) {
      if (account.evicted) {
        return false;
      }
      long now = used.get();
      if (now + bytes <= maxBytes) {
        if (used.compareAndSet(now, now + bytes)) {
          account.held.addAndGet(bytes);
          return true;
        }
        continue;
      }
      Account victim = largestHolder(account, bytes);
      victim.evict(account == victim ? bytes : 0);
      if (victim == account) {
        return false;
      }
    }
  }

  /**
   * The account to close: the one holding the most, counting what {@code asking} asks for as held
   * by it; among equals {@code asking} (its request is the newest), else the newest connection.
   */
  private Account largestHolder(Account asking, long bytes) {
    Account largest = asking;
    long largestHeld = asking.held.get() + bytes;
    // A scan over all connections, but only when the budget is exhausted, which a well-behaved
    // deployment never sees.
    for (Account candidate : accounts) {
      if (candidate == asking || candidate.evicted) {
        continue;
      }
      long held = candidate.held.get();
      if (held > largestHeld
          || (held == largestHeld && largest != asking && candidate.seq > largest.seq)) {
        largest = candidate;
        largestHeld = held;
      }
    }
    return largest;
  }

  /** The budget of one connection. Reserved and released on its event loop. */
  final class Account implements FrameBudget {
    private final Channel channel;
    private final long seq;
    private final AtomicLong held = new AtomicLong();
    private volatile boolean evicted;

    private Account(Channel channel, long seq) {
      this.channel = channel;
      this.seq = seq;
    }

    @Override
    public boolean tryReserve(int bytes) {
      return reserve(this, bytes);
    }

    /** {@link #tryReserve(int)} for a reply. */
    boolean tryReserve(long bytes) {
      return reserve(this, bytes);
    }

    @Override
    public void release(int bytes) {
      release((long) bytes);
    }

    /**
     * Gives back up to {@code bytes}: never more than is held, since an eviction may have written
     * the account off already.
     */
    void release(long bytes) {
      while (true) {
        long now = held.get();
        long given = Math.min(now, bytes);
        if (given <= 0) {
          return;
        }
        if (held.compareAndSet(now, now - given)) {
          used.addAndGet(-given);
          return;
        }
      }
    }

    /** Bytes this connection holds now. */
    long heldBytes() {
      return held.get();
    }

    private void evict(long asked) {
      if (evicted) {
        return;
      }
      evicted = true;
      long freed = held.getAndSet(0);
      used.addAndGet(-freed);
      long count = evictions.incrementAndGet();
      metrics.rejected(DaemonMetrics.Rejection.BACK_PRESSURE);
      long suppressed = evictionLog.tryAcquire();
      if (suppressed >= 0) {
        LOG.warn(
            "max_buffered_bytes ({}) reached: closed connection from {} holding {} bytes{}"
                + " ({} such connections closed since start)",
            maxBytes,
            channel.remoteAddress(),
            freed + asked,
            asked > 0 ? " with this request or reply" : "",
            count);
      }
      var unused = channel.close();
    }

    private void closed() {
      accounts.remove(this);
      release(Long.MAX_VALUE);
    }
  }
}
