package io.sockmapd.cli;

import io.sockmapd.config.DatabaseConfig;
import io.sockmapd.config.importer.KeyColumns;
import io.sockmapd.config.importer.NativeTable;
import io.sockmapd.config.importer.PostfixNativeTables;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The keys of {@code verify --sample}: for every map that has native tables, values sampled from
 * each table's key columns ({@link KeyColumns}) and their derived forms ({@link SampledKeys}). Says
 * on the report, per table, what was sampled, and where a key column is unknown or a database
 * failed, what was done instead.
 *
 * <p>The values are read through each native table's own connection settings (its {@code .cf}), not
 * through sockmapd's configured database for the map. That is the truer test: the keys then come
 * from the data Postfix answers from today, so a sockmapd map that points at another database, a
 * stale copy or a different table misses them and shows up as differences; keys drawn from
 * sockmapd's own database would only ever ask what sockmapd already knows.
 */
final class KeySampling {
  private final PostfixNativeTables tables;
  private final int limit;
  private final PrintStream report;
  private int unreachable;

  KeySampling(PostfixNativeTables tables, int limit, PrintStream report) {
    this.tables = tables;
    this.limit = limit;
    this.report = report;
  }

  /** {@code {map, key}} pairs for the maps named, in their order. */
  List<String[]> requests(Collection<String> maps) throws InterruptedException {
    List<String[]> requests = new ArrayList<>();
    try (KeySampler sampler = new KeySampler()) {
      for (String map : maps) {
        PostfixNativeTables.Tables native_ = tables.forMap(map);
        if (native_ == null) {
          report.println(
              "sample "
                  + map
                  + ": no main.cf parameter of this name with SQL tables; not compared");
          continue;
        }
        SampledKeys keys = new SampledKeys(native_.recipientDelimiter(), limit);
        for (String table : native_.tables()) {
          sampleTable(sampler, map, NativeTable.read(table), keys);
        }
        if (keys.isEmpty()) {
          report.println(
              "sample "
                  + map
                  + ": no values sampled; only the key that exists nowhere is asked (give keys"
                  + " with --keys)");
        }
        List<String> asked = keys.keys();
        asked.forEach(key -> requests.add(new String[] {map, key}));
        report.println("sample " + map + ": " + asked.size() + " keys");
      }
    }
    return requests;
  }

  /** How many tables could not be sampled because their database failed. */
  int unreachable() {
    return unreachable;
  }

  private void sampleTable(KeySampler sampler, String map, NativeTable table, SampledKeys keys)
      throws InterruptedException {
    String where = "sample " + map + ": " + table.table() + ": ";
    String unknown = table.keyColumns().unknown();
    if (unknown != null) {
      report.println(
          where
              + "key column unknown ("
              + unknown
              + "); no keys sampled from this table, the map is asked the other tables' keys"
              + " only (give this table's keys with --keys)");
      return;
    }
    DatabaseConfig database = table.database();
    if (database == null) {
      unreachable++;
      report.println(
          where + "cannot connect as Postfix does: " + String.join("; ", table.problems()));
      return;
    }
    for (KeyColumns.Column column : table.keyColumns().columns()) {
      try {
        List<String> values = sampler.sample(database, column, limit);
        keys.add(column.part(), values);
        report.println(where + column + ": " + values.size() + " values");
      } catch (KeySampler.SampleException e) {
        unreachable++;
        report.println(where + column + ": cannot sample: " + e.getMessage());
      }
    }
  }
}
