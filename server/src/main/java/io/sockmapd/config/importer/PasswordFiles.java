package io.sockmapd.config.importer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/** Writes a database password for {@code password_file}: readable by its owner only. */
final class PasswordFiles {
  private PasswordFiles() {}

  /**
   * Writes {@code password} and a line break to {@code file}, replacing it. The file is created
   * with mode 0600 before the secret goes in (never readable by others, not even for a moment) and
   * moved into place, so a reader sees the old or the new password, never half of one.
   */
  static void write(Path file, String password) throws IOException {
    Path folder = file.toAbsolutePath().getParent();
    if (folder == null) {
      throw new IOException(file + ": no folder");
    }
    Files.createDirectories(folder);
    Path temporary =
        Files.createTempFile(
            folder,
            ".sockmapd-password",
            ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      Files.writeString(temporary, password + "\n", StandardCharsets.UTF_8);
      Files.move(
          temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }
}
