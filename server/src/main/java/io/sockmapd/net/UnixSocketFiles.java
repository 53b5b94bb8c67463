package io.sockmapd.net;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/** The file-system side of unix-socket listeners: stale files, file mode and group, removal. */
final class UnixSocketFiles {
  private static final int S_IFMT = 0170000;
  private static final int S_IFSOCK = 0140000;

  private UnixSocketFiles() {}

  /**
   * Makes the path free for a new socket: a socket file left by an earlier run is removed, but
   * never a regular file, a directory, or a socket some process still listens on.
   */
  static void removeStale(Path path) throws ServerStartException {
    int mode;
    try {
      mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return;
    } catch (IOException | UnsupportedOperationException e) {
      throw new ServerStartException("unix:" + path + ": cannot inspect the path: " + e);
    }
    if ((mode & S_IFMT) != S_IFSOCK) {
      throw new ServerStartException(
          "unix:"
              + path
              + ": the path exists and is not a socket ("
              + describe(path)
              + "); refusing to delete it");
    }
    if (someoneListens(path)) {
      throw new ServerStartException(
          "unix:" + path + ": another process is listening on this socket");
    }
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      throw new ServerStartException("unix:" + path + ": cannot remove the stale socket: " + e);
    }
  }

  private static boolean someoneListens(Path path) {
    try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      return probe.connect(UnixDomainSocketAddress.of(path));
    } catch (IOException e) {
      return false; // connection refused: nobody is behind it
    }
  }

  private static String describe(Path path) {
    if (Files.isSymbolicLink(path)) {
      return "a symbolic link";
    }
    if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
      return "a directory";
    }
    if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
      return "a regular file";
    }
    return "a special file";
  }

  /** Applies an octal file mode such as 0660 to the socket file. */
  static void setMode(Path path, int mode) throws ServerStartException {
    try {
      Files.setPosixFilePermissions(path, permissions(mode));
    } catch (IOException | UnsupportedOperationException e) {
      throw new ServerStartException(
          "unix:" + path + ": cannot set mode " + Integer.toOctalString(mode) + ": " + e);
    }
  }

  /**
   * Gives the socket file to {@code group} ({@code unix_socket_group}), so that an MTA running as
   * another user, a member of that group, can connect; "" leaves the file's group as it is. Unless
   * the daemon runs as root, it must be a member of the group itself.
   */
  static void setGroup(Path path, String group) throws ServerStartException {
    if (group.isEmpty()) {
      return;
    }
    try {
      GroupPrincipal principal =
          path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(group);
      Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
          .setGroup(principal);
    } catch (IOException | UnsupportedOperationException e) {
      throw new ServerStartException(
          "unix:" + path + ": cannot give the socket to group " + group + ": " + e);
    }
  }

  static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> result = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] bits = PosixFilePermission.values(); // OWNER_READ .. OTHERS_EXECUTE
    for (int i = 0; i < bits.length; i++) {
      if ((mode & (1 << (bits.length - 1 - i))) != 0) {
        result.add(bits[i]);
      }
    }
    return result;
  }

  /** Removes the socket file at shutdown; a file already gone is fine. */
  static void delete(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      // Next start removes it as stale.
    }
  }
}
