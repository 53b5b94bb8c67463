package io.sockmapd.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.epoll.Epoll;
import io.sockmapd.codec.SocketmapResponse;
import io.sockmapd.config.Endpoint;
import io.sockmapd.net.BlockingSocketmapClient;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Socket activation without systemd as PID 1: {@code systemd-socket-activate} opens the sockets (an
 * inet one and a unix one) and starts a small supervisor that restarts the daemon as {@code
 * Restart=} would, keeping the sockets open in between as the socket unit does. Restarting the
 * daemon under a closed-loop load then refuses no connection and fails no lookup: connections made
 * while no daemon runs wait in the socket's backlog.
 */
class SocketActivationTest {
  private static final Duration LIMIT = Duration.ofSeconds(90);
  private static final int CLIENTS_PER_SOCKET = 4;
  private static final int RESTARTS = 2;

  @TempDir Path dir;
  private Path stopFile;
  private Endpoint.Unix unix;
  private Endpoint.Inet inet;
  private Path config;

  @BeforeEach
  void setUp() throws Exception {
    assumeThat(Epoll.isAvailable()).as("socket activation needs the epoll transport").isTrue();
    stopFile = dir.resolve("stop");
    unix = new Endpoint.Unix(dir.resolve("sockmapd.sock"));
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      inet = new Endpoint.Inet("127.0.0.1", free.getLocalPort());
    }
    try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("maps.db"));
        Statement sql = db.createStatement()) {
      sql.execute("CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT)");
      sql.execute("INSERT INTO kv VALUES ('known', 'the value')");
    }
    config = dir.resolve("sockmapd.json");
    Files.writeString(
        config,
        "{\"listen\": [\""
            + unix
            + "\", \""
            + inet
            + "\"],"
            + " \"databases\": {\"lite\": {\"type\": \"sqlite\", \"path\": \"maps.db\"}},"
            + " \"maps\": {\"kv\": {\"database\": \"lite\","
            + " \"query\": \"SELECT v FROM kv WHERE k = '%s'\"}}}");
  }

  /**
   * Restarts the daemon until the stop file exists, as systemd's Restart= would. Each daemon is
   * started by a shell that sets LISTEN_PID to its own pid, then becomes the JVM (exec), as systemd
   * sets it for the process it starts; the sockets stay open in this script.
   */
  private Path supervisor() throws IOException {
    Path script = dir.resolve("supervise.sh");
    Files.writeString(
        script,
        "while [ ! -e \"$STOP_FILE\" ]; do\n"
            + "  sh -c 'LISTEN_PID=$$; export LISTEN_PID; exec \"$@\"' sockmapd \"$@\"\n"
            + "done\n",
        StandardCharsets.UTF_8);
    return script;
  }

  private Process activate() throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                "systemd-socket-activate",
                "--listen=" + inet.host() + ":" + inet.port(),
                "--listen=" + unix.path(),
                "sh",
                supervisor().toString(),
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m",
                "-cp",
                System.getProperty("java.class.path"),
                "io.sockmapd.cli.Main",
                "run",
                "--config",
                config.toString()));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("output.log").toFile());
    builder.environment().put("STOP_FILE", stopFile.toString());
    try {
      return builder.start();
    } catch (IOException e) {
      throw new AssertionError(
          "systemd-socket-activate is needed (Debian: apt-get install systemd)", e);
    }
  }

  /** The running daemon: the JVM under the supervisor. */
  private static Optional<ProcessHandle> daemon(Process activator) {
    return activator
        .descendants()
        .filter(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(false))
        .findFirst();
  }

  /** Clients that connect, ask one lookup and hang up, one after the other, counting outcomes. */
  private static final class Load {
    final AtomicLong answered = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();

    Load(List<Endpoint> endpoints, int clientsEach) {
      for (Endpoint endpoint : endpoints) {
        for (int i = 0; i < clientsEach; i++) {
          Thread thread = new Thread(() -> run(endpoint), "activation-client-" + endpoint);
          thread.setDaemon(true);
          threads.add(thread);
        }
      }
      threads.forEach(Thread::start);
    }

    private void run(Endpoint endpoint) {
      while (!stop.get()) {
        try (BlockingSocketmapClient client = BlockingSocketmapClient.connect(endpoint, LIMIT)) {
          SocketmapResponse reply = client.query("kv", "known");
          if (reply.equals(SocketmapResponse.ok("the value"))) {
            answered.incrementAndGet();
          } else {
            errors.add(endpoint + ": " + reply);
          }
        } catch (ConnectException e) {
          refused.incrementAndGet();
        } catch (IOException e) {
          errors.add(endpoint + ": " + e);
        }
      }
    }

    void stop() throws InterruptedException {
      stop.set(true);
      for (Thread thread : threads) {
        thread.join(LIMIT.toMillis());
      }
    }
  }

  @Test
  @Timeout(600)
  void restartsUnderLoadRefuseNoConnectionAndFailNoLookup() throws Exception {
    Process activator = activate();
    try {
      // systemd-socket-activate starts the daemon at the first connection, as systemd does.
      await().atMost(LIMIT).until(() -> Files.exists(unix.path()));
      Load load = new Load(List.of(inet, unix), CLIENTS_PER_SOCKET);
      try {
        await().atMost(LIMIT).until(() -> load.answered.get() > 100);
        for (int i = 0; i < RESTARTS; i++) {
          ProcessHandle old = daemon(activator).orElseThrow();
          old.destroy(); // SIGTERM, as systemctl restart sends
          old.onExit().get(LIMIT.toSeconds(), TimeUnit.SECONDS);
          await()
              .atMost(LIMIT)
              .until(() -> daemon(activator).filter(p -> p.pid() != old.pid()).isPresent());
          long before = load.answered.get();
          await().atMost(LIMIT).until(() -> load.answered.get() > before + 100);
        }
      } finally {
        load.stop();
      }
      System.out.printf(
          "socket activation, %d restarts under %d closed-loop clients: %d answered, %d refused,"
              + " %d failed%n",
          RESTARTS,
          2 * CLIENTS_PER_SOCKET,
          load.answered.get(),
          load.refused.get(),
          load.errors.size());
      String log = Files.readString(dir.resolve("output.log"));
      assertThat(log).as("daemon output").contains("(socket from systemd, descriptor 4)");
      assertThat(countOf(log, "sockmapd started")).as("starts").isEqualTo(RESTARTS + 1);
      assertThat(load.refused.get()).as("refused connections").isZero();
      assertThat(load.errors).as("failed lookups").isEmpty();
      assertThat(load.answered.get()).isGreaterThan(100L * (RESTARTS + 1));
      assertThat(unix.path()).as("the socket unit's file is left alone").exists();
    } finally {
      stop(activator);
    }
  }

  /**
   * A socket systemd passes is served through its listen entry's allow list, as one the daemon
   * binds itself: here a socket on every address, which only 127.0.0.2 may use.
   */
  @Test
  @Timeout(300)
  void aSocketFromSystemdGetsTheAllowListOfItsListenEntry() throws Exception {
    inet = new Endpoint.Inet("0.0.0.0", inet.port());
    Files.writeString(
        config,
        "{\"listen\": [\""
            + unix
            + "\", {\"address\": \""
            + inet
            + "\", \"allow\": [\"127.0.0.2/32\"]}],"
            + " \"databases\": {\"lite\": {\"type\": \"sqlite\", \"path\": \"maps.db\"}},"
            + " \"maps\": {\"kv\": {\"database\": \"lite\","
            + " \"query\": \"SELECT v FROM kv WHERE k = '%s'\"}}}");
    Process activator = activate();
    try {
      await().atMost(LIMIT).until(() -> Files.exists(unix.path())); // the sockets are open
      InetAddress other = InetAddress.getByAddress(new byte[] {127, 0, 0, 2});
      InetSocketAddress server =
          new InetSocketAddress(InetAddress.getLoopbackAddress(), inet.port());
      try (var allowed = BlockingSocketmapClient.connect(server, other, LIMIT)) {
        assertThat(allowed.query("kv", "known")).isEqualTo(SocketmapResponse.ok("the value"));
      }
      try (var denied =
          BlockingSocketmapClient.connect(server, InetAddress.getLoopbackAddress(), LIMIT)) {
        assertThat(denied.awaitClosedByServer()).isTrue();
      }
      Path log = dir.resolve("output.log");
      await()
          .atMost(LIMIT)
          .untilAsserted(
              () ->
                  assertThat(Files.readString(log))
                      .contains("listening on " + inet + " (socket from systemd")
                      .contains(
                          "refused connection from 127.0.0.1 to "
                              + inet
                              + ": not in its allow list"));
    } finally {
      stop(activator);
    }
  }

  private void stop(Process activator) throws IOException, InterruptedException {
    Files.writeString(stopFile, "");
    daemon(activator).ifPresent(ProcessHandle::destroy);
    if (!activator.waitFor(LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
      activator.descendants().forEach(ProcessHandle::destroyForcibly);
      activator.destroyForcibly();
    }
  }

  private static int countOf(String text, String part) {
    int count = 0;
    for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
      count++;
    }
    return count;
  }
}
