package io.sockmapd.testing;

import io.sockmapd.codec.SocketmapResponse;
import io.sockmapd.config.DatabaseType;
import io.sockmapd.lookup.LookupResult;
import java.util.EnumSet;
import java.util.Set;

/**
 * A table {@code kv (k, v)} with keys of known answers: {@code key-N} → {@code value-N} for N below
 * {@link #ROWS}, nothing for higher N, and one row {@code slow-1} for maps that sleep on it.
 */
public final class KvTable {
  public static final int ROWS = 200;

  private final Set<DatabaseType> seeded = EnumSet.noneOf(DatabaseType.class);

  /** {@code extension}'s database of {@code type}, with the table created on first use. */
  public synchronized TestDatabase database(DatabaseExtension extension, DatabaseType type) {
    TestDatabase db = extension.get(type);
    if (seeded.add(type)) {
      StringBuilder script =
          new StringBuilder("CREATE TABLE kv (k VARCHAR(64) PRIMARY KEY, v VARCHAR(64));\n");
      script.append("INSERT INTO kv (k, v) VALUES ('slow-1', 'slow-value')");
      for (int i = 0; i < ROWS; i++) {
        script.append(",('key-").append(i).append("','value-").append(i).append("')");
      }
      db.execute(script.toString());
    }
    return db;
  }

  public static String key(int n) {
    return "key-" + n;
  }

  /** What a lookup of {@link #key key(n)} must answer. */
  public static LookupResult expected(int n) {
    return n < ROWS ? LookupResult.found("value-" + n) : LookupResult.notFound();
  }

  /** What a client must be told for {@link #key key(n)}. */
  public static SocketmapResponse expectedReply(int n) {
    return expected(n).toResponse();
  }
}
