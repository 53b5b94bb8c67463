package io.sockmapd.soak;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One kind of soak client: a few threads, each running connections to the daemon one after the
 * other until the soak stops. It counts what it sent and what came back, sorted into answers it
 * expected, answers that must not happen ({@link #wrong}), and connections that ended under it
 * (closed by the server, or a reply that did not come in time).
 */
abstract class SoakClient {
  private static final int WRONG_EXAMPLES = 5;

  final String kind;
  final AtomicLong requests = new AtomicLong();
  final AtomicLong expected = new AtomicLong();
  final AtomicLong wrong = new AtomicLong();
  final AtomicLong dropped = new AtomicLong();

  protected final InetSocketAddress daemon;
  private final int threadCount;
  private final AtomicBoolean stop = new AtomicBoolean();
  private final List<Thread> threads = new ArrayList<>();
  private final Set<AutoCloseable> open = ConcurrentHashMap.newKeySet();
  private final ConcurrentLinkedQueue<String> wrongExamples = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<String> dropExamples = new ConcurrentLinkedQueue<>();

  SoakClient(String kind, InetSocketAddress daemon, int threadCount) {
    this.kind = kind;
    this.daemon = daemon;
    this.threadCount = threadCount;
  }

  /**
   * Talks to the daemon on one or more connections until {@link #stopping}; returns to be called
   * again. {@code worker} numbers the thread.
   */
  protected abstract void session(int worker) throws IOException;

  /** Whether this client's answers are checked: its wrong answers or drops fail the soak. */
  boolean isChecker() {
    return false;
  }

  final void start() {
    for (int i = 0; i < threadCount; i++) {
      int worker = i;
      Thread thread = new Thread(() -> loop(worker), "soak-" + kind + "-" + i);
      thread.setDaemon(true);
      threads.add(thread);
    }
    threads.forEach(Thread::start);
  }

  private void loop(int worker) {
    while (!stopping()) {
      try {
        session(worker);
      } catch (IOException | RuntimeException e) {
        if (stopping()) {
          return;
        }
        drop(e.toString());
        pause(Duration.ofMillis(50)); // a dead daemon must not make this a busy loop
      }
    }
  }

  final boolean stopping() {
    return stop.get();
  }

  /** Registers a connection, so {@link #stop} can close it under a blocked read or write. */
  protected final <T extends AutoCloseable> T track(T connection) {
    open.add(connection);
    if (stopping()) {
      closeQuietly(connection);
    }
    return connection;
  }

  protected final void untrack(AutoCloseable connection) {
    open.remove(connection);
    closeQuietly(connection);
  }

  protected final void wrong(String what) {
    wrong.incrementAndGet();
    if (wrongExamples.size() < WRONG_EXAMPLES) {
      wrongExamples.add(what);
    }
  }

  protected final void drop(String what) {
    dropped.incrementAndGet();
    if (dropExamples.size() < WRONG_EXAMPLES) {
      dropExamples.add(what);
    }
  }

  /** Stops the threads: closes every connection under them, then waits for them to end. */
  final void stop() {
    stop.set(true);
    open.forEach(SoakClient::closeQuietly);
    for (Thread thread : threads) {
      try {
        thread.join(Duration.ofSeconds(10).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    open.forEach(SoakClient::closeQuietly);
  }

  /** One line: the counts, then the first few wrong answers and drops. */
  String summary() {
    return String.format(
        "%-19s requests %8d, as expected %8d, wrong %5d, dropped %5d%s%s%s",
        kind,
        requests.get(),
        expected.get(),
        wrong.get(),
        dropped.get(),
        details(),
        wrongExamples.isEmpty() ? "" : "; wrong e.g. " + wrongExamples,
        dropExamples.isEmpty() ? "" : "; dropped e.g. " + dropExamples);
  }

  /** More figures for {@link #summary}, starting with ", ". */
  protected String details() {
    return "";
  }

  static void pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static void closeQuietly(AutoCloseable connection) {
    try {
      connection.close();
    } catch (Exception e) {
      // already broken: nothing to do
    }
  }
}
