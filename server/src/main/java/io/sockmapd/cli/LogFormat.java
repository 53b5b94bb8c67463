package io.sockmapd.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * How log lines look; log4j2.xml picks its layout by the system property {@link #PROPERTY}, which
 * the command line sets before Log4j starts.
 */
enum LogFormat {
  /** A time stamp, the level, the logger and the message: for a terminal or a file. */
  TEXT,
  /** A syslog priority prefix ({@code <6>}) and no time stamp: for systemd's journal. */
  JOURNAL,
  /** One JSON object a line (Elastic Common Schema): for log shippers. */
  JSON;

  static final String PROPERTY = "sockmapd.log.format";

  String propertyValue() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * JOURNAL when stderr is systemd's journal, else TEXT. systemd sets {@code JOURNAL_STREAM} to the
   * device and inode of the stream it connects; a process whose stderr was redirected since (a
   * child of a service run by hand, say) inherits the variable but not the stream, hence the
   * comparison with what stderr is now (sd_journal_stream_fd(3)).
   */
  static LogFormat detect(Map<String, String> environment) {
    String stream = environment.get("JOURNAL_STREAM");
    return stream != null && stream.equals(stderrDeviceAndInode()) ? JOURNAL : TEXT;
  }

  /** {@code DEVICE:INODE} of this process's stderr, as in JOURNAL_STREAM; null if unknown. */
  private static @Nullable String stderrDeviceAndInode() {
    // stat() of /proc/self/fd/2 describes the open file itself, sockets and pipes included.
    Path stderr = Path.of("/proc/self/fd/2");
    try {
      return Files.getAttribute(stderr, "unix:dev") + ":" + Files.getAttribute(stderr, "unix:ino");
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return null;
    }
  }
}
