package io.sockmapd.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.DomainDatagramSocketAddress;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.Socket;
import io.sockmapd.codec.SocketmapResponse;
import io.sockmapd.config.Endpoint;
import io.sockmapd.net.BlockingSocketmapClient;
import io.sockmapd.testing.DaemonProcess;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon as systemd runs it, in a process of its own: what it tells systemd through {@code
 * $NOTIFY_SOCKET}, and how its log lines look in the journal and for log shippers.
 */
class SystemdServiceTest {
  private static final Duration LIMIT = Duration.ofSeconds(60);

  @TempDir Path dir;
  private Endpoint.Unix socket;
  private Path config;

  @BeforeEach
  void seed() throws Exception {
    socket = new Endpoint.Unix(dir.resolve("sockmapd.sock"));
    try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("maps.db"));
        Statement sql = db.createStatement()) {
      sql.execute("CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT)");
      sql.execute("INSERT INTO kv VALUES ('known', 'the value')");
    }
    config = dir.resolve("sockmapd.json");
    Files.writeString(
        config,
        "{\"listen\": [\""
            + socket
            + "\"],"
            + " \"databases\": {\"lite\": {\"type\": \"sqlite\", \"path\": \"maps.db\"}},"
            + " \"maps\": {\"kv\": {\"database\": \"lite\","
            + " \"query\": \"SELECT v FROM kv WHERE k = '%s'\"}}}");
  }

  /** What systemd's end of $NOTIFY_SOCKET receives: one datagram a message. */
  private static final class NotifySocket implements AutoCloseable {
    private final Socket socket = Socket.newSocketDomainDgram();
    private final List<String> messages = new CopyOnWriteArrayList<>();
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(4096);

    NotifySocket(Path path) throws IOException {
      socket.bind(new DomainSocketAddress(path.toString()));
    }

    /** Every message received so far; reads what has arrived without waiting. */
    List<String> messages() throws IOException {
      while (true) {
        buffer.clear();
        DomainDatagramSocketAddress from =
            socket.recvFromDomainSocket(buffer, 0, buffer.capacity());
        if (from == null) {
          return messages;
        }
        byte[] bytes = new byte[from.receivedAmount()];
        buffer.get(0, bytes);
        messages.add(new String(bytes, StandardCharsets.UTF_8));
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  @Test
  @Timeout(180)
  void tellsSystemdWhenItIsReadyAndWhenItStops() throws Exception {
    Epoll.ensureAvailability();
    Path notifyPath = dir.resolve("notify");
    try (NotifySocket notify = new NotifySocket(notifyPath);
        DaemonProcess daemon = startNotifying(notifyPath)) {
      // The listener accepts before READY=1 is sent: wait for it rather than assume it.
      await().atMost(LIMIT).until(() -> !notify.messages().isEmpty());
      assertThat(notify.messages())
          .singleElement()
          .isEqualTo("READY=1\nSTATUS=serving 1 maps on 1 listeners\n");
      try (BlockingSocketmapClient client = BlockingSocketmapClient.connect(socket, LIMIT)) {
        assertThat(client.query("kv", "known")).isEqualTo(SocketmapResponse.ok("the value"));
      }

      assertThat(daemon.terminate(LIMIT)).isZero();

      assertThat(notify.messages())
          .hasSize(2)
          .last()
          .isEqualTo("STOPPING=1\nSTATUS=shutting down: finishing lookups in flight\n");
    }
  }

  /**
   * SIGHUP reloads, announced as systemd wants it for {@code Type=notify-reload}: {@code
   * RELOADING=1} with the time on CLOCK_MONOTONIC in the same message, then {@code READY=1}.
   */
  @Test
  @Timeout(180)
  void tellsSystemdWhenItReloads() throws Exception {
    Epoll.ensureAvailability();
    Path notifyPath = dir.resolve("notify");
    try (NotifySocket notify = new NotifySocket(notifyPath);
        DaemonProcess daemon = startNotifying(notifyPath)) {
      await().atMost(LIMIT).until(() -> notify.messages().size() == 1);
      Files.writeString(
          config, Files.readString(config).replace("SELECT v ", "SELECT 'new ' || v "));

      long before = System.nanoTime() / 1000;
      daemon.hangUp();
      await().atMost(LIMIT).until(() -> notify.messages().size() == 3);
      long after = System.nanoTime() / 1000;

      String reloading = notify.messages().get(1);
      assertThat(reloading)
          .matches("RELOADING=1\nMONOTONIC_USEC=\\d+\nSTATUS=reloading the configuration\n");
      long monotonic = Long.parseLong(reloading.replaceAll("(?s).*MONOTONIC_USEC=(\\d+).*", "$1"));
      assertThat(monotonic)
          .as("CLOCK_MONOTONIC, as this JVM reads it too")
          .isBetween(before, after);
      assertThat(notify.messages().get(2))
          .isEqualTo("READY=1\nSTATUS=serving 1 maps on 1 listeners\n");
      try (BlockingSocketmapClient client = BlockingSocketmapClient.connect(socket, LIMIT)) {
        assertThat(client.query("kv", "known")).isEqualTo(SocketmapResponse.ok("new the value"));
      }
      assertThat(daemon.terminate(LIMIT)).isZero();
    }
  }

  /**
   * With stderr connected where JOURNAL_STREAM says, as systemd connects it, each line starts with
   * its syslog priority, which journald takes as the entry's priority.
   */
  @Test
  @Timeout(180)
  void logLinesCarryTheirPriorityWhenStderrIsTheJournal() throws Exception {
    String output;
    try (DaemonProcess daemon =
        DaemonProcess.start(
            config,
            socket,
            output1 -> Map.of("JOURNAL_STREAM", deviceAndInode(output1)),
            List.of())) {
      misbehave();
      await().atMost(LIMIT).until(() -> daemon.output().contains("framing error"));
      assertThat(daemon.terminate(LIMIT)).isZero();
      output = daemon.output();
    }
    assertThat(output.lines())
        .contains("<6>SocketmapServer - listening on " + socket + " (epoll)")
        .anySatisfy(line -> assertThat(line).startsWith("<4>ProtocolViolations - framing error"))
        .allSatisfy(line -> assertThat(line).matches("<[2-7]>.*"));
  }

  /** JOURNAL_STREAM inherited by a process whose stderr goes elsewhere: plain text lines. */
  @Test
  @Timeout(180)
  void aJournalStreamThatIsNotStderrIsIgnored() throws Exception {
    try (DaemonProcess daemon =
        DaemonProcess.start(config, socket, output -> Map.of("JOURNAL_STREAM", "1:1"), List.of())) {
      assertThat(daemon.terminate(LIMIT)).isZero();
      assertThat(daemon.output().lines())
          .allSatisfy(line -> assertThat(line).matches("\\d{4}-\\d\\d-\\d\\d .*"));
    }
  }

  @Test
  @Timeout(180)
  void logFormatJsonWritesOneObjectALine() throws Exception {
    String output;
    try (DaemonProcess daemon =
        DaemonProcess.start(config, socket, file -> Map.of(), List.of("--log-format", "json"))) {
      misbehave();
      await().atMost(LIMIT).until(() -> daemon.output().contains("framing error"));
      assertThat(daemon.terminate(LIMIT)).isZero();
      output = daemon.output();
    }
    assertThat(output.lines())
        .isNotEmpty()
        .allSatisfy(line -> assertThat(line).startsWith("{\"@timestamp\":\"").endsWith("}"))
        .anySatisfy(
            line ->
                assertThat(line)
                    .contains("\"log.level\":\"WARN\"")
                    .contains("\"log.logger\":\"io.sockmapd.net.ProtocolViolations\""))
        .anySatisfy(line -> assertThat(line).contains("\"message\":\"stopped\""));
  }

  private DaemonProcess startNotifying(Path notifyPath) throws IOException {
    return DaemonProcess.start(
        config, socket, output -> Map.of("NOTIFY_SOCKET", notifyPath.toString()), List.of());
  }

  /** A request cut short: the daemon logs a warning. */
  private void misbehave() throws IOException {
    try (BlockingSocketmapClient client = BlockingSocketmapClient.connect(socket, LIMIT)) {
      client.writeRaw("9:kv".getBytes(StandardCharsets.US_ASCII));
    }
  }

  /** {@code DEVICE:INODE} of a file, as systemd writes JOURNAL_STREAM. */
  private static String deviceAndInode(Path file) {
    try {
      return Files.getAttribute(file, "unix:dev") + ":" + Files.getAttribute(file, "unix:ino");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
