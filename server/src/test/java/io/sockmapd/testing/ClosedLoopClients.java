package io.sockmapd.testing;

import io.sockmapd.codec.SocketmapResponse;
import io.sockmapd.net.BlockingSocketmapClient;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;
import org.jspecify.annotations.Nullable;

/**
 * Socketmap clients on their own connections and threads, each sending a request and waiting for
 * its reply before the next one (closed loop), with keys {@code 0 ≤ n < 2 × KvTable.ROWS}: about
 * half hit. Every exchange is recorded.
 */
public final class ClosedLoopClients implements AutoCloseable {

  /**
   * One request and what came back: the reply, or the client-side error (a reply that never came, a
   * closed connection).
   */
  public record Sample(
      long startNanos,
      long endNanos,
      int key,
      @Nullable SocketmapResponse reply,
      @Nullable String error) {

    public boolean correct() {
      return KvTable.expectedReply(key).equals(reply);
    }
  }

  private final ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean stop = new AtomicBoolean();
  private final List<Thread> threads = new ArrayList<>();

  /**
   * Starts {@code count} clients, each on a connection from {@code connect} (given the client's
   * number), sending requests for {@code map}.
   */
  public ClosedLoopClients(int count, String map, IntFunction<BlockingSocketmapClient> connect) {
    for (int i = 0; i < count; i++) {
      BlockingSocketmapClient client = connect.apply(i);
      Thread thread = new Thread(() -> run(client, map), "closed-loop-client-" + i);
      thread.setDaemon(true);
      threads.add(thread);
    }
    threads.forEach(Thread::start);
  }

  private void run(BlockingSocketmapClient client, String map) {
    try (client) {
      while (!stop.get()) {
        int key = ThreadLocalRandom.current().nextInt(2 * KvTable.ROWS);
        long start = System.nanoTime();
        SocketmapResponse reply = null;
        String error = null;
        try {
          reply = client.query(map, KvTable.key(key));
        } catch (IOException e) {
          error = e.toString();
        }
        samples.add(new Sample(start, System.nanoTime(), key, reply, error));
        if (error != null) {
          return; // the connection is out of step now; the test sees the error
        }
      }
    } catch (IOException e) {
      // closing the client failed: nothing to report
    }
  }

  /** Exchanges finished so far that started after {@code nanos}. */
  public long countStartedAfter(long nanos) {
    return samples.stream().filter(s -> s.startNanos() > nanos).count();
  }

  public int size() {
    return samples.size();
  }

  /** Stops every client after its current exchange and returns all exchanges. */
  public List<Sample> stop(Duration limit) {
    stop.set(true);
    long deadline = System.nanoTime() + limit.toNanos();
    for (Thread thread : threads) {
      try {
        thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while stopping the clients", e);
      }
      if (thread.isAlive()) {
        throw new AssertionError(thread.getName() + " still waits for a reply after " + limit);
      }
    }
    return List.copyOf(samples);
  }

  @Override
  public void close() {
    if (!stop.get()) {
      stop(Duration.ofSeconds(30));
    }
  }
}
