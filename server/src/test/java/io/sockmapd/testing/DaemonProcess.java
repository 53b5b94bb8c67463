package io.sockmapd.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;

import io.sockmapd.config.Endpoint;
import io.sockmapd.net.BlockingSocketmapClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * {@code sockmapd run} in a JVM of its own, started as a user starts it ({@code java -cp ...
 * io.sockmapd.cli.Main run --config FILE}) on this test's class path: for what only a whole process
 * shows (its exit code, its heap limit and out-of-memory behaviour, its signal handling, its RSS).
 * The in-process {@link io.sockmapd.Daemon} other tests use shares the test JVM's heap. Its stdout
 * and stderr go to one file. BlockHound is installed by the JUnit launcher only, so not in there.
 */
public final class DaemonProcess implements AutoCloseable {
  private static final Duration START_LIMIT = Duration.ofSeconds(60);

  /** What the daemon logs for an {@code inet:127.0.0.1:0} listener once it is bound. */
  private static final Pattern LISTENING_ON_ANY_PORT =
      Pattern.compile("listening on inet:127\\.0\\.0\\.1:0 as /127\\.0\\.0\\.1:(\\d+)");

  private final Process process;
  private final Path output;
  private volatile @Nullable InetSocketAddress address;
  private volatile List<InetSocketAddress> addresses = List.of();

  private DaemonProcess(Process process, Path output) {
    this.process = process;
    this.output = output;
  }

  /**
   * Starts the daemon and waits until {@code endpoint} (one of its listeners) accepts connections.
   * Its output goes to a new file next to {@code config}.
   *
   * @param jvmOptions options for the daemon's JVM, such as {@code -Xmx64m}
   */
  public static DaemonProcess start(Path config, Endpoint endpoint, String... jvmOptions)
      throws IOException {
    return start(config, endpoint, output -> Map.of(), List.of(), jvmOptions);
  }

  /**
   * As {@link #start(Path, Endpoint, String...)}, with more options for {@code run} and more
   * environment variables, computed from the file the output goes to (to name it as systemd's
   * JOURNAL_STREAM does, say).
   */
  public static DaemonProcess start(
      Path config,
      Endpoint endpoint,
      Function<Path, Map<String, String>> environment,
      List<String> runOptions,
      String... jvmOptions)
      throws IOException {
    Path output = Files.createTempFile(config.getParent(), "daemon", ".log");
    DaemonProcess daemon = launch(config, output, environment, runOptions, jvmOptions);
    if (endpoint instanceof Endpoint.Inet inet) {
      String host = inet.host().isEmpty() ? "127.0.0.1" : inet.host();
      daemon.address = new InetSocketAddress(host, inet.port());
    }
    daemon.awaitStart(() -> daemon.accepts(endpoint));
    return daemon;
  }

  /**
   * Starts the daemon on a config that listens on {@code inet:127.0.0.1:0}, and waits until it has
   * logged the port the system gave it (then {@link #address} is that listener). No free port has
   * to be guessed first, so no other process can take it in between.
   */
  public static DaemonProcess startOnAnyPort(Path config, Path output, String... jvmOptions)
      throws IOException {
    return startOnAnyPorts(config, output, 1, jvmOptions);
  }

  /**
   * As {@link #startOnAnyPort}, for a config whose first {@code listeners} entries of {@code
   * listen} are each on {@code inet:127.0.0.1:0}: waits until the daemon has logged a port for
   * each. The daemon binds its listeners one after the other in the order of {@code listen} and
   * logs each as it is bound, so the n-th port logged is the n-th listener's ({@link #addresses}).
   */
  public static DaemonProcess startOnAnyPorts(
      Path config, Path output, int listeners, String... jvmOptions) throws IOException {
    DaemonProcess daemon = launch(config, output, o -> Map.of(), List.of(), jvmOptions);
    daemon.awaitStart(
        () -> {
          daemon.checkRunning();
          Matcher listening = LISTENING_ON_ANY_PORT.matcher(daemon.output());
          List<InetSocketAddress> found = new ArrayList<>();
          while (found.size() < listeners && listening.find()) {
            int port = Integer.parseInt(listening.group(1));
            found.add(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
          }
          if (found.size() < listeners) {
            return false;
          }
          daemon.addresses = List.copyOf(found);
          daemon.address = found.get(0);
          return true;
        });
    return daemon;
  }

  private static DaemonProcess launch(
      Path config,
      Path output,
      Function<Path, Map<String, String>> environment,
      List<String> runOptions,
      String... jvmOptions)
      throws IOException {
    List<String> command = new ArrayList<>();
    // SIGHUP at its default even when this JVM runs with it ignored (a CI runner under nohup):
    // the JVM does not install a handler for an ignored SIGHUP, and the daemon would never reload.
    // env execs the JVM, so the daemon keeps this process's PID.
    command.addAll(List.of("env", "--default-signal=HUP"));
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of(jvmOptions));
    command.addAll(
        List.of(
            "-cp",
            // Surefire may run the tests from a manifest-only jar; this is the real class path.
            System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
            "io.sockmapd.cli.Main",
            "run",
            "--config",
            config.toString()));
    command.addAll(runOptions);
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
    builder.environment().putAll(environment.apply(output));
    return new DaemonProcess(builder.start(), output);
  }

  private void awaitStart(java.util.concurrent.Callable<Boolean> started) {
    try {
      await().atMost(START_LIMIT).pollInterval(Duration.ofMillis(100)).until(started);
    } catch (RuntimeException | Error e) {
      close();
      throw new AssertionError("daemon did not start; its output:\n" + output(), e);
    }
  }

  private void checkRunning() {
    if (!process.isAlive()) {
      throw new IllegalStateException("daemon exited with " + process.exitValue());
    }
  }

  private boolean accepts(Endpoint endpoint) {
    checkRunning();
    try {
      BlockingSocketmapClient.connect(endpoint, Duration.ofSeconds(5)).close();
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  public Process process() {
    return process;
  }

  /** The inet listener the daemon was started on. */
  public InetSocketAddress address() {
    InetSocketAddress known = address;
    if (known == null) {
      throw new IllegalStateException("started on a unix socket: no inet address");
    }
    return known;
  }

  /**
   * The inet listeners on any port, in the order of {@code listen}, when started by {@link
   * #startOnAnyPorts}; else empty.
   */
  public List<InetSocketAddress> addresses() {
    return addresses;
  }

  /** Everything the daemon wrote to stdout and stderr so far (leniently decoded). */
  public String output() {
    try {
      return new String(Files.readAllBytes(output), UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The daemon's memory from {@code /proc/PID/status}: resident now ({@code VmRSS}) and its peak
   * ({@code VmHWM}), in kB; null once the process is gone, or where there is no {@code /proc}.
   */
  public @Nullable Memory memory() {
    try {
      String status =
          Files.readString(Path.of("/proc", Long.toString(process.pid()), "status"), UTF_8);
      return new Memory(kilobytes(status, "VmRSS"), kilobytes(status, "VmHWM"));
    } catch (IOException | IllegalStateException e) {
      return null;
    }
  }

  /** Resident memory now and at its peak, in kB. */
  public record Memory(long rssKb, long hwmKb) {
    @Override
    public String toString() {
      return "VmRSS " + rssKb / 1024 + " MB, VmHWM " + hwmKb / 1024 + " MB";
    }
  }

  private static long kilobytes(String status, String field) {
    Matcher m = Pattern.compile("(?m)^" + field + ":\\s+(\\d+) kB").matcher(status);
    if (!m.find()) {
      throw new IllegalStateException("no " + field + " in /proc status");
    }
    return Long.parseLong(m.group(1));
  }

  /** Sends SIGHUP (with kill(1): the JDK can send only SIGTERM and SIGKILL). */
  public void hangUp() throws IOException, InterruptedException {
    Process kill =
        new ProcessBuilder("kill", "-HUP", Long.toString(process.pid())).inheritIO().start();
    if (!kill.waitFor(30, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new AssertionError("kill -HUP " + process.pid() + " failed");
    }
  }

  /** Sends SIGTERM and waits for the process to end; returns its exit code. */
  public int terminate(Duration limit) throws InterruptedException {
    process.destroy(); // SIGTERM on Unix
    if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("daemon still running " + limit + " after SIGTERM:\n" + output());
    }
    return process.exitValue();
  }

  /** Kills the daemon if it still runs (a no-op after {@link #terminate}). */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
