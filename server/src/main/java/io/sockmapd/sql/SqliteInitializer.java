package io.sockmapd.sql;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Creates and seeds a SQLite database file from an {@code init_sql} script the first time the
 * daemon starts. The script runs into a temporary file that is moved into place only when every
 * statement succeeded, so a failed seed leaves no half-built database behind and the next start
 * tries again. Blocking: call it on a worker thread.
 */
final class SqliteInitializer {
  private static final Logger LOG = LogManager.getLogger(SqliteInitializer.class);

  private SqliteInitializer() {}

  /**
   * Seeds {@code database} from {@code script} unless the file already exists.
   *
   * @return true when the file was created
   */
  static boolean initialize(Path database, Path script) throws IOException, SQLException {
    if (Files.exists(database)) {
      return false;
    }
    String sql = Files.readString(script, StandardCharsets.UTF_8);
    Path folder = database.toAbsolutePath().getParent();
    if (folder != null) {
      Files.createDirectories(folder);
    }
    Path temp =
        Files.createTempFile(
            folder == null ? Path.of(".") : folder, database.getFileName() + ".", ".init");
    try {
      try (Connection connection = PoolFactory.sqliteDataSource(temp).getConnection();
          Statement statement = connection.createStatement()) {
        for (String each : SqlScript.split(sql, SqlDialect.SQLITE)) {
          statement.execute(each);
        }
      }
      Files.move(temp, database, StandardCopyOption.ATOMIC_MOVE);
      LOG.info("created SQLite database {} from {}", database, script);
      return true;
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
