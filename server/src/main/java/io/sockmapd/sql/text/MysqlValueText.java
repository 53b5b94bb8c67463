package io.sockmapd.sql.text;

import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.data.Numeric;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * MySQL/MariaDB's text protocol, as libmysqlclient and the {@code mysql} client show it, for the
 * Java objects the Vert.x MySQL client decodes from the binary protocol of prepared statements.
 * Number layout follows MariaDB 10.x (the server sockmapd is tested against): DOUBLE with its
 * shortest digits, FLOAT rounded to 6 digits. What the binary protocol does not carry is not
 * reproduced: a column's declared fraction digits ({@code DATETIME(3)} shows {@code .100} as {@code
 * .1}), {@code DOUBLE(M,D)} padding, {@code BIT} as raw bytes.
 */
public final class MysqlValueText implements ValueText {
  /** MariaDB's FLOAT output: FLT_DIG significant digits. */
  private static final int FLOAT_DIGITS = 6;

  /** Beyond this many integer digits, MariaDB switches to E notation (unless a fraction shows). */
  private static final int PLAIN_INTEGER_DIGITS = 15;

  /** Below this point position MariaDB uses E notation: 1e-15 is plain, 1e-16 is not. */
  private static final int PLAIN_LEADING_ZEROS = 14;

  @Override
  public @Nullable String text(@Nullable Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof String text) {
      return text;
    }
    if (value instanceof Double number) {
      return number(number, false);
    }
    if (value instanceof Float number) {
      return number(number, true);
    }
    if (value instanceof Numeric numeric) {
      return numeric.isNaN() ? "NaN" : decimal(numeric);
    }
    if (value instanceof BigDecimal number) {
      return number.toPlainString();
    }
    if (value instanceof Buffer buffer) {
      return new String(buffer.getBytes(), StandardCharsets.UTF_8);
    }
    if (value instanceof byte[] bytes) {
      return new String(bytes, StandardCharsets.UTF_8);
    }
    if (value instanceof LocalDateTime timestamp) {
      return date(timestamp.toLocalDate()) + " " + time(timestamp.toLocalTime());
    }
    if (value instanceof LocalDate date) {
      return date(date);
    }
    if (value instanceof LocalTime time) {
      return time(time);
    }
    if (value instanceof Duration duration) {
      return time(duration);
    }
    if (value instanceof Boolean bool) {
      return bool ? "1" : "0";
    }
    String json = JsonText.text(value);
    if (json != null) {
      return json;
    }
    // Byte, Short, Integer, Long, BigInteger (BIGINT UNSIGNED), YEAR as Short.
    return value.toString();
  }

  private static String decimal(Numeric numeric) {
    Number number = numeric.bigDecimalValue();
    if (number instanceof BigDecimal decimal) {
      return decimal.toPlainString();
    }
    return number instanceof BigInteger ? number.toString() : numeric.toString();
  }

  /**
   * MariaDB's my_gcvt layout, as measured: plain from {@code 1e-15} up to 15 integer digits (or
   * more, as long as a fraction still shows); otherwise {@code 1.5e15}, {@code 1e-16}.
   */
  static String number(double value, boolean isFloat) {
    if (Double.isNaN(value)) {
      return "nan";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "inf" : "-inf";
    }
    DecimalDigits digits =
        isFloat ? DecimalDigits.rounded(value, FLOAT_DIGITS) : DecimalDigits.shortest(value, true);
    if (digits.isZero()) {
      return "0";
    }
    String sign = digits.negative() ? "-" : "";
    int point = digits.pointPosition();
    boolean plain =
        point >= -PLAIN_LEADING_ZEROS
            && (point <= PLAIN_INTEGER_DIGITS || point < digits.digits().length());
    return plain ? sign + digits.plain(0) : sign + digits.mantissa(0) + "e" + digits.exponent();
  }

  private static String date(LocalDate date) {
    return String.format(
        Locale.ROOT, "%04d-%02d-%02d", date.getYear(), date.getMonthValue(), date.getDayOfMonth());
  }

  private static String time(LocalTime time) {
    return String.format(
            Locale.ROOT, "%02d:%02d:%02d", time.getHour(), time.getMinute(), time.getSecond())
        + fraction(time.getNano() / 1000);
  }

  /** TIME is a duration: {@code -838:59:59} .. {@code 838:59:59}. */
  private static String time(Duration duration) {
    Duration magnitude = duration.abs();
    long seconds = magnitude.getSeconds();
    return (duration.isNegative() ? "-" : "")
        + String.format(
            Locale.ROOT, "%02d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
        + fraction(magnitude.getNano() / 1000);
  }

  /** The microseconds without trailing zeros (the column's declared digits are not known). */
  private static String fraction(long micros) {
    if (micros == 0) {
      return "";
    }
    String digits = String.format(Locale.ROOT, "%06d", micros);
    int end = digits.length();
    while (digits.charAt(end - 1) == '0') {
      end--;
    }
    return "." + digits.substring(0, end);
  }
}
