package io.sockmapd.net;

import io.netty.channel.Channel;
import io.sockmapd.config.Limits;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The connections of each client, and its lookups in flight over all of them. The connection count
 * is what {@code max_connections_per_client} is checked against. The lookups are limited so that
 * one client with many pipelining connections cannot fill a database's {@code max_in_flight} and
 * make every other client's lookups fail with {@code TEMP}. A client over its share is not refused
 * anything: its connections just stop starting lookups (and so stop reading) until enough of its
 * lookups have finished.
 *
 * <p>A client is an IP address; all peers of unix sockets count as one client (they are local
 * processes allowed by the socket's file mode, typically all of Postfix). Thread-safe and
 * lock-free: counts change on the connections' event loops and on whatever thread a lookup
 * completes on.
 */
final class ClientShares {

  /** How many lookups one client may have in flight, given how many clients have any. */
  interface Policy {
    int share(int busyClients);
  }

  /**
   * Capacity split evenly between the busy clients plus one, so that there is always room for a
   * newcomer's first lookups before the others have come down to their new share; never below
   * {@code floor}.
   */
  record FairShare(int capacity, int floor) implements Policy {
    @Override
    public int share(int busyClients) {
      return Math.max(floor, capacity / (busyClients + 1));
    }
  }

  /** The same fixed number for every client. */
  record FixedShare(int lookups) implements Policy {
    @Override
    public int share(int busyClients) {
      return lookups;
    }
  }

  private static final Object UNIX_PEERS = "unix";

  private final Policy policy;
  private final ConcurrentHashMap<Object, Client> clients = new ConcurrentHashMap<>();
  private final AtomicInteger busyClients = new AtomicInteger();

  ClientShares(Policy policy) {
    this.policy = policy;
  }

  /** The client a new connection belongs to; the connection leaves it when it closes. */
  Client join(Channel channel) {
    return Objects.requireNonNull(join(channel, Limits.UNLIMITED));
  }

  /**
   * As {@link #join(Channel)}, unless the client holds {@code maxConnections} connections already
   * ({@code max_connections_per_client}; {@link Limits#UNLIMITED} for no limit): then null, and the
   * connection is not counted. Unix-socket peers are never refused: they are all one client, the
   * local processes the socket's file mode lets in.
   */
  @Nullable Client join(Channel channel, int maxConnections) {
    Object key = clientKey(channel.remoteAddress());
    AtomicBoolean admitted = new AtomicBoolean();
    // One count per client for both limits: the check and the increment are one atomic step, so
    // connections arriving together cannot all pass.
    Client client =
        clients.compute(
            key,
            (k, existing) -> {
              Client c = existing == null ? new Client() : existing;
              if (maxConnections == Limits.UNLIMITED
                  || k == UNIX_PEERS
                  || c.connections < maxConnections) {
                c.connections++;
                admitted.set(true);
              }
              return c;
            });
    if (!admitted.get()) {
      return null;
    }
    var unused =
        channel
            .closeFuture()
            .addListener(
                f ->
                    clients.computeIfPresent(
                        key, (k, c) -> c != client || --c.connections > 0 ? c : null));
    return client;
  }

  private static Object clientKey(@Nullable SocketAddress address) {
    return address instanceof InetSocketAddress inet && inet.getAddress() != null
        ? inet.getAddress()
        : UNIX_PEERS;
  }

  /** Clients with at least one lookup in flight. */
  int busyClients() {
    return busyClients.get();
  }

  /** One client's lookups in flight. */
  final class Client {
    /** Open connections; changed only inside the map's compute functions. */
    private int connections;

    private final AtomicInteger inFlight = new AtomicInteger();

    /** Connections waiting for this client to come under its share. */
    private final Queue<Runnable> parked = new ConcurrentLinkedQueue<>();

    /** Counts a lookup about to start, unless the client is at its share. */
    boolean tryStart() {
      while (true) {
        int now = inFlight.get();
        if (now >= policy.share(busyClients.get())) {
          return false;
        }
        if (inFlight.compareAndSet(now, now + 1)) {
          if (now == 0) {
            busyClients.incrementAndGet();
          }
          return true;
        }
      }
    }

    /** Counts a lookup done, and wakes the parked connections once under the share. */
    void finished() {
      int now = inFlight.decrementAndGet();
      if (now == 0) {
        busyClients.decrementAndGet();
      }
      if (!parked.isEmpty() && now < policy.share(busyClients.get())) {
        Runnable wake;
        while ((wake = parked.poll()) != null) {
          wake.run();
        }
      }
    }

    /**
     * Runs {@code wake} (once) after a later lookup of this client finishes under the share. The
     * caller must try {@link #tryStart()} again after parking, for a lookup that finished in
     * between.
     */
    void park(Runnable wake) {
      parked.add(wake);
    }

    /** Lookups in flight now. */
    int inFlight() {
      return inFlight.get();
    }
  }
}
