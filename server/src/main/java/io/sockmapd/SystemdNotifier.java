package io.sockmapd;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.jspecify.annotations.Nullable;

/**
 * Tells systemd how the daemon is doing ({@code sd_notify}): {@code READY=1} once every listener is
 * open, {@code RELOADING=1} and then {@code READY=1} again around a reload, {@code STOPPING=1} when
 * a shutdown begins, each with a {@code STATUS=} line that {@code systemctl status} shows. Used
 * with {@code Type=notify}; without {@code $NOTIFY_SOCKET} it does nothing.
 *
 * <p>Written here rather than taken from a library: the protocol is one datagram to a unix socket,
 * and the JDK cannot send unix datagrams; Netty's native transport (already ours) can. Without it
 * (not Linux x86_64/aarch64) the notifications are skipped with a warning, and the unit should then
 * use {@code Type=exec}.
 */
public final class SystemdNotifier {
  private static final Logger LOG = LogManager.getLogger(SystemdNotifier.class);

  private static final SystemdNotifier NONE = new SystemdNotifier(null);

  /** The socket's path as bytes; a leading NUL for an abstract socket ({@code @name}). */
  private final byte @Nullable [] socketPath;

  private SystemdNotifier(byte @Nullable [] socketPath) {
    this.socketPath = socketPath;
  }

  /** The notifier of this process: for {@code $NOTIFY_SOCKET} if set. */
  public static SystemdNotifier fromEnvironment() {
    return from(System.getenv());
  }

  static SystemdNotifier from(Map<String, String> environment) {
    String socket = environment.get("NOTIFY_SOCKET");
    if (socket == null || socket.isEmpty()) {
      return NONE;
    }
    if (!Epoll.isAvailable()) {
      LOG.warn(
          "NOTIFY_SOCKET is set but the native transport is not available to write to it ({}); "
              + "use Type=exec in the unit",
          Epoll.unavailabilityCause().toString());
      return NONE;
    }
    byte[] path = socket.getBytes(StandardCharsets.UTF_8);
    if (path[0] == '@') {
      path[0] = 0;
    }
    return new SystemdNotifier(path);
  }

  /** {@code READY=1}: every listener is open. */
  public void ready(String status) {
    send("READY=1\nSTATUS=" + status + "\n");
  }

  /**
   * {@code RELOADING=1}: a configuration reload has begun; {@link #ready} follows when it is over,
   * whatever its outcome. {@code MONOTONIC_USEC} goes in the same message, as systemd 253 and later
   * want for {@code Type=notify-reload} (older versions ignore it): the time on {@code
   * CLOCK_MONOTONIC}, which is what {@link System#nanoTime()} reads on Linux.
   */
  public void reloading(String status) {
    send("RELOADING=1\nMONOTONIC_USEC=" + System.nanoTime() / 1000 + "\nSTATUS=" + status + "\n");
  }

  /** {@code STOPPING=1}: the shutdown has begun. */
  public void stopping(String status) {
    send("STOPPING=1\nSTATUS=" + status + "\n");
  }

  /** A {@code STATUS=} line alone. */
  public void status(String status) {
    send("STATUS=" + status + "\n");
  }

  private void send(String message) {
    if (socketPath == null) {
      return;
    }
    byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
    ByteBuffer buffer = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
    // A socket per message: a few messages in the daemon's life, and nothing to keep open.
    Socket socket = Socket.newSocketDomainDgram();
    try {
      int sent = socket.sendToDomainSocket(buffer, 0, bytes.length, socketPath);
      if (sent != bytes.length) {
        LOG.warn("systemd notification not sent (socket busy): {}", message.strip());
      }
    } catch (IOException e) {
      LOG.warn("systemd notification not sent: {}", e.getMessage());
    } finally {
      try {
        socket.close();
      } catch (IOException e) {
        LOG.debug("closing the notification socket: {}", e.toString());
      }
    }
  }
}
