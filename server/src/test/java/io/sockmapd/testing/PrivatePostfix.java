package io.sockmapd.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A private Postfix instance for tests: its own configuration, queue and log under one folder, an
 * {@code smtpd} on a free port of 127.0.0.1, and every mail it accepts delivered to the {@code
 * discard} transport. Nothing of the machine's own Postfix (if any) is used or touched.
 *
 * <p>Postfix's {@code master} runs only as root: without root the test is skipped. Without Postfix
 * it is skipped too, except under {@code CI=true}, where that is a failure.
 */
public final class PrivatePostfix implements AutoCloseable {
  private static final Path POSTFIX = Path.of("/usr/sbin/postfix");
  private static final Path DAEMON_DIRECTORY = Path.of("/usr/lib/postfix/sbin");

  private final Path directory;
  private final int smtpPort;

  private PrivatePostfix(Path directory, int smtpPort) {
    this.directory = directory;
    this.smtpPort = smtpPort;
  }

  /**
   * Writes the instance's configuration into {@code directory} and starts it.
   *
   * @param mainCf lines added to the instance's main.cf (restrictions, policy services)
   */
  public static PrivatePostfix start(Path directory, String mainCf) throws Exception {
    if (!Files.isExecutable(POSTFIX) || !Files.isDirectory(DAEMON_DIRECTORY)) {
      String message = "Postfix is not installed";
      if ("true".equals(System.getenv("CI"))) {
        Assertions.fail(message + " (CI=true: a missing Postfix is a failure)");
      }
      Assumptions.abort(message);
    }
    Assumptions.assumeTrue(
        "root".equals(System.getProperty("user.name")), "Postfix's master runs only as root");
    // The daemons run as the postfix user and must reach the queue through every parent.
    for (Path p = directory;
        p != null && p.startsWith(Path.of("/tmp")) && !p.equals(Path.of("/tmp"));
        p = p.getParent()) {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    Path conf = Files.createDirectories(directory.resolve("conf"));
    Path data = Files.createDirectories(directory.resolve("data"));
    Files.createDirectories(directory.resolve("queue"));
    UserPrincipal postfix =
        directory.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postfix");
    Files.setOwner(data, postfix);
    int port = freePort();
    Files.writeString(
        conf.resolve("main.cf"),
        "compatibility_level = 3.6\n"
            + "queue_directory = "
            + directory.resolve("queue")
            + "\n"
            + "data_directory = "
            + data
            + "\n"
            + "daemon_directory = "
            + DAEMON_DIRECTORY
            + "\n"
            + "command_directory = /usr/sbin\n"
            + "mail_owner = postfix\n"
            + "setgid_group = postdrop\n"
            + "myhostname = mx.policy.test\n"
            + "mydomain = policy.test\n"
            + "myorigin = policy.test\n"
            + "mydestination = policy.test\n"
            + "inet_interfaces = 127.0.0.1\n"
            + "inet_protocols = ipv4\n"
            + "mynetworks = 127.0.0.0/8\n"
            + "maillog_file = "
            + directory.resolve("maillog")
            + "\n"
            + "maillog_file_prefixes = "
            + directory
            + "\n"
            + "local_recipient_maps =\n"
            + "alias_maps =\n"
            + "alias_database =\n"
            + "local_transport = discard:local\n"
            + "default_transport = discard:default\n"
            + "smtpd_authorized_xclient_hosts = 127.0.0.0/8\n"
            + mainCf,
        UTF_8);
    Files.writeString(
        conf.resolve("master.cf"),
        String.join(
            "\n",
            "127.0.0.1:" + port + " inet n - n - - smtpd",
            "pickup    unix  n - n 60 1 pickup",
            "cleanup   unix  n - n - 0 cleanup",
            "qmgr      unix  n - n 300 1 qmgr",
            "rewrite   unix  - - n - - trivial-rewrite",
            "bounce    unix  - - n - 0 bounce",
            "defer     unix  - - n - 0 bounce",
            "trace     unix  - - n - 0 bounce",
            "verify    unix  - - n - 1 verify",
            "proxymap  unix  - - n - - proxymap",
            "showq     unix  n - n - - showq",
            "error     unix  - - n - - error",
            "retry     unix  - - n - - error",
            "discard   unix  - - n - - discard",
            "anvil     unix  - - n - 1 anvil",
            "scache    unix  - - n - 1 scache",
            "postlog   unix-dgram n - n - 1 postlogd",
            ""),
        UTF_8);
    PrivatePostfix instance = new PrivatePostfix(directory, port);
    instance.run("start");
    instance.awaitListening();
    return instance;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private void run(String command) throws IOException {
    try {
      runOrWait(command);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while postfix " + command + " ran", e);
    }
  }

  private void runOrWait(String command) throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(POSTFIX.toString(), "-c", directory.resolve("conf").toString(), command)
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException(
          "postfix " + command + " failed: " + output + "\nmaillog:\n" + maillog());
    }
  }

  private void awaitListening() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try (Socket probe = new Socket()) {
        probe.connect(
            new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), smtpPort), 1_000);
        return;
      } catch (IOException notYet) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("smtpd does not listen; maillog:\n" + maillog());
        }
        Thread.sleep(100);
      }
    }
  }

  /** The port smtpd listens on, at 127.0.0.1. */
  public int smtpPort() {
    return smtpPort;
  }

  /** The instance's log so far (Postfix's maillog_file). */
  public String maillog() {
    try {
      Path log = directory.resolve("maillog");
      return Files.exists(log) ? Files.readString(log, UTF_8) : "";
    } catch (IOException e) {
      return "(cannot read the maillog: " + e + ")";
    }
  }

  /** The maillog's lines that contain {@code text}. */
  public List<String> maillogLines(String text) {
    return maillog().lines().filter(l -> l.contains(text)).toList();
  }

  @Override
  public void close() throws IOException {
    run("stop");
  }
}
