package io.sockmapd.net;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.Socket;
import io.sockmapd.config.Endpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Listening sockets handed over by systemd (socket activation, {@code sd_listen_fds}): {@code
 * $LISTEN_FDS} descriptors from 3 on, meant for this process when {@code $LISTEN_PID} is its pid.
 * Each is matched to a {@code listen} entry by the address it is bound to (getsockname), so the
 * order of the socket unit's lines does not matter.
 *
 * <p>The JDK cannot adopt a listening descriptor ({@code System.inheritedChannel()} covers only fd
 * 0); Netty's epoll channels can, so socket activation needs the native transport.
 */
final class InheritedSockets {
  /** The first descriptor systemd passes ({@code SD_LISTEN_FDS_START}). */
  private static final int FIRST_FD = 3;

  /**
   * One inherited listening socket.
   *
   * @param address where it is bound: an {@link InetSocketAddress} or a {@link DomainSocketAddress}
   */
  record Inherited(int fd, SocketAddress address) {
    boolean unix() {
      return address instanceof DomainSocketAddress;
    }
  }

  static final InheritedSockets NONE = new InheritedSockets(List.of());

  private final List<Inherited> unclaimed;

  private InheritedSockets(List<Inherited> sockets) {
    this.unclaimed = new ArrayList<>(sockets);
  }

  /** The sockets passed to this process, if any. */
  static InheritedSockets fromEnvironment() throws ServerStartException {
    return from(System.getenv(), ProcessHandle.current().pid());
  }

  static InheritedSockets from(Map<String, String> environment, long pid)
      throws ServerStartException {
    String fds = environment.get("LISTEN_FDS");
    String listenPid = environment.get("LISTEN_PID");
    if (fds == null || listenPid == null || !listenPid.equals(Long.toString(pid))) {
      return NONE; // none, or meant for another process (our parent's)
    }
    int count;
    try {
      count = Integer.parseInt(fds);
    } catch (NumberFormatException e) {
      throw new ServerStartException("LISTEN_FDS is not a number: " + fds, e);
    }
    if (count <= 0) {
      return NONE;
    }
    if (!Epoll.isAvailable()) {
      throw new ServerStartException(
          "systemd passed "
              + count
              + " sockets (socket activation), which needs Netty's native epoll transport"
              + " (Linux x86_64 or aarch64); it is not available: "
              + Epoll.unavailabilityCause());
    }
    List<Inherited> sockets = new ArrayList<>();
    for (int fd = FIRST_FD; fd < FIRST_FD + count; fd++) {
      sockets.add(new Inherited(fd, boundAddress(new Socket(fd))));
    }
    return new InheritedSockets(sockets);
  }

  private static SocketAddress boundAddress(Socket socket) throws ServerStartException {
    // Netty's getsockname wrappers each assume a family (on a unix socket, localAddress() reads
    // the path as an IPv6 address), so the family comes from the kernel's list of unix sockets.
    if (isUnixSocket(socket.intValue())) {
      DomainSocketAddress unix = socket.localDomainSocketAddress();
      if (unix == null) {
        throw new ServerStartException(
            "systemd passed descriptor " + socket.intValue() + ", a unix socket without a path");
      }
      return unix;
    }
    InetSocketAddress inet = socket.localAddress();
    if (inet == null) {
      throw new ServerStartException(
          "systemd passed descriptor " + socket.intValue() + ", which is no inet or unix socket");
    }
    return inet;
  }

  /** Whether {@code fd} is a unix socket: its inode ("socket:[INODE]") is in /proc/net/unix. */
  private static boolean isUnixSocket(int fd) throws ServerStartException {
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
      if (!target.startsWith("socket:[") || !target.endsWith("]")) {
        throw new ServerStartException(
            "systemd passed descriptor " + fd + ", which is not a socket: " + target);
      }
      String inode = target.substring("socket:[".length(), target.length() - 1);
      // Columns: Num RefCount Protocol Flags Type St Inode [Path]
      try (Stream<String> lines = Files.lines(Path.of("/proc/net/unix"))) {
        return lines
            .skip(1)
            .map(l -> l.trim().split("\\s+"))
            .anyMatch(c -> c.length > 6 && c[6].equals(inode));
      }
    } catch (IOException | UncheckedIOException e) {
      throw new ServerStartException("cannot inspect descriptor " + fd + ": " + e, e);
    }
  }

  /** The inherited socket bound where {@code endpoint} says, removed from those left; or null. */
  synchronized @Nullable Inherited take(Endpoint endpoint) {
    for (Iterator<Inherited> it = unclaimed.iterator(); it.hasNext(); ) {
      Inherited inherited = it.next();
      if (matches(endpoint, inherited.address())) {
        it.remove();
        return inherited;
      }
    }
    return null;
  }

  /** The sockets no endpoint has taken. */
  synchronized List<Inherited> unclaimed() {
    return List.copyOf(unclaimed);
  }

  static boolean matches(Endpoint endpoint, SocketAddress address) {
    if (endpoint instanceof Endpoint.Unix unix) {
      return address instanceof DomainSocketAddress bound
          && Path.of(bound.path()).normalize().equals(unix.path().normalize());
    }
    Endpoint.Inet inet = (Endpoint.Inet) endpoint;
    if (!(address instanceof InetSocketAddress bound) || bound.getPort() != inet.port()) {
      return false;
    }
    if (inet.host().isEmpty() || inet.host().equals("*")) {
      return bound.getAddress().isAnyLocalAddress();
    }
    try {
      // A literal address or a name from /etc/hosts: resolving it here does not wait on DNS
      // beyond what binding the same endpoint would.
      for (InetAddress candidate : InetAddress.getAllByName(inet.host())) {
        if (candidate.equals(bound.getAddress())) {
          return true;
        }
      }
    } catch (UnknownHostException e) {
      return false;
    }
    return false;
  }
}
