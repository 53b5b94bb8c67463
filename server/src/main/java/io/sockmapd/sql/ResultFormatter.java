package io.sockmapd.sql;

import io.netty.buffer.ByteBufUtil;
import io.sockmapd.lookup.LookupResult;
import io.sockmapd.sql.text.ValueText;
import io.vertx.sqlclient.Row;
import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.jspecify.annotations.Nullable;

/**
 * Turns result rows into one reply value as Postfix's SQL tables do: every column of every row, in
 * the order the database returns them, each value run through {@code result_format}, NULL and empty
 * values skipped, the rest joined with {@code ,}; nothing left is "not found", more values than
 * {@code expansion_limit} (when positive) is a temporary error, and so is a value too long for one
 * reply ({@code max_reply_size}). Rows are taken one at a time ({@link Values}): only what fits in
 * one reply is ever kept.
 *
 * <p>In {@code result_format}, {@code %s %u %d} come from the value and {@code %S %U %D %1..%9}
 * from the key; a value for which a used part does not apply (empty local part, no domain, too few
 * labels) is skipped. Deliberate difference: Postfix's sqlite table uses only the first column;
 * sockmapd uses every column for every database, so one map behaves the same on all three.
 */
public final class ResultFormatter {
  private static final Logger LOG = LogManager.getLogger(ResultFormatter.class);

  /** The reply payload in front of the value: {@code OK } and a space. */
  private static final int OK_PREFIX_BYTES = 3;

  private static final LookupResult EXPANSION_LIMIT_EXCEEDED =
      LookupResult.temp("expansion limit exceeded");

  private static final LookupResult REPLY_TOO_LARGE = LookupResult.temp("reply too large");

  private final List<QueryTemplate.Part> parts;
  private final int expansionLimit;
  private final int maxReplySize;
  private final String mapName;
  private final ValueText valueText;

  private ResultFormatter(
      List<QueryTemplate.Part> parts,
      int expansionLimit,
      int maxReplySize,
      String mapName,
      ValueText valueText) {
    this.parts = List.copyOf(parts);
    this.expansionLimit = expansionLimit;
    this.maxReplySize = maxReplySize;
    this.mapName = mapName;
    this.valueText = valueText;
  }

  /**
   * Parses {@code result_format}; column values are rendered as {@code dialect}'s server shows
   * them.
   *
   * @param maxReplySize the largest reply payload ({@code OK } and the value, in UTF-8 bytes) the
   *     server may send ({@code limits.max_reply_size}); values beyond it are not kept
   * @throws IllegalArgumentException on an unknown {@code %x} or a trailing {@code %}
   */
  public static ResultFormatter parse(
      String resultFormat,
      int expansionLimit,
      int maxReplySize,
      String mapName,
      SqlDialect dialect) {
    return new ResultFormatter(
        QueryTemplate.parts(resultFormat),
        expansionLimit,
        maxReplySize,
        mapName,
        ValueText.forDialect(dialect));
  }

  /**
   * Formats the rows of one key form.
   *
   * @param rows the rows, in database order
   * @param firstColumn columns before this one are sockmapd's own (the form tag) and not values
   * @param key the key form the rows answer (for {@code %S %U %D %1..%9})
   */
  public LookupResult format(Iterable<Row> rows, int firstColumn, String key) {
    Values values = values(key, firstColumn);
    for (Row row : rows) {
      values.add(row);
    }
    return values.result();
  }

  /** An empty answer for one key form, to be fed its rows one by one as they arrive. */
  Values values(String key, int firstColumn) {
    return new Values(new AddressParts(key), firstColumn);
  }

  /**
   * The answer of one key form, built as its rows arrive, so a huge result set is never held: the
   * values are joined as they come, and once there are more than {@code expansion_limit} of them or
   * the reply would be longer than {@code max_reply_size}, nothing more is kept and the answer is
   * that error. Not thread-safe: one statement's rows arrive on one thread.
   */
  final class Values {
    private final AddressParts keyParts;
    private final int firstColumn;
    private final StringBuilder joined = new StringBuilder();
    private int count;
    private long replyBytes = OK_PREFIX_BYTES;
    private @Nullable LookupResult overflow;

    private Values(AddressParts keyParts, int firstColumn) {
      this.keyParts = keyParts;
      this.firstColumn = firstColumn;
    }

    /** Adds the values of one row (every column from {@code firstColumn} on). */
    void add(Row row) {
      if (overflow != null) {
        return; // the answer is already the error; the rest of the rows are only read past
      }
      for (int column = firstColumn; column < row.size(); column++) {
        String value = valueText.text(row.getValue(column));
        if (value == null) {
          continue;
        }
        if (value.isEmpty()) {
          LOG.debug("map {}: empty lookup result value ignored", mapName);
          continue;
        }
        String formatted = apply(value, keyParts);
        if (formatted == null) {
          continue;
        }
        if (!append(formatted)) {
          return;
        }
      }
    }

    /** False when the value does not fit: the answer is then the limit's error. */
    private boolean append(String formatted) {
      if (expansionLimit > 0 && count >= expansionLimit) {
        return overflowed(EXPANSION_LIMIT_EXCEEDED);
      }
      long bytes = replyBytes + (count > 0 ? 1 : 0) + ByteBufUtil.utf8Bytes(formatted);
      if (bytes > maxReplySize) {
        return overflowed(REPLY_TOO_LARGE);
      }
      if (count > 0) {
        joined.append(',');
      }
      joined.append(formatted);
      replyBytes = bytes;
      count++;
      return true;
    }

    private boolean overflowed(LookupResult error) {
      overflow = error;
      joined.setLength(0);
      joined.trimToSize();
      return false;
    }

    /** True when no value survived (and no limit was hit): the form is "not found". */
    boolean isEmpty() {
      return count == 0 && overflow == null;
    }

    /** The value joined with {@code ,}, a limit's error, or "not found". */
    LookupResult result() {
      if (overflow != null) {
        return overflow;
      }
      return count == 0 ? LookupResult.notFound() : LookupResult.found(joined.toString());
    }
  }

  /** One value through {@code result_format}; null when the value is to be skipped. */
  @Nullable String apply(String value, AddressParts key) {
    AddressParts valueParts = new AddressParts(value);
    StringBuilder out = new StringBuilder();
    for (QueryTemplate.Part part : parts) {
      if (part instanceof QueryTemplate.Literal literal) {
        out.append(literal.text());
        continue;
      }
      char code = ((QueryTemplate.Expansion) part).code();
      String expanded = Character.isLowerCase(code) ? valueParts.expand(code) : key.expand(code);
      if (expanded == null) {
        return null;
      }
      out.append(expanded);
    }
    return out.toString();
  }
}
