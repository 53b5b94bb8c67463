package io.sockmapd.sql.text;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * SQLite's {@code sqlite3_column_text}, which Postfix's sqlite table reads: integers in decimal,
 * REAL values as {@code printf("%!.15g")} (15 significant digits, always with a decimal point:
 * {@code 1.0}, {@code 1.0e+20}), TEXT and BLOB bytes as they are.
 */
public final class SqliteValueText implements ValueText {
  private static final int REAL_DIGITS = 15;

  @Override
  public @Nullable String text(@Nullable Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof Double number) {
      return real(number);
    }
    if (value instanceof Float number) {
      return real(widened(number));
    }
    if (value instanceof Buffer buffer) {
      return new String(buffer.getBytes(), StandardCharsets.UTF_8);
    }
    if (value instanceof byte[] bytes) {
      return new String(bytes, StandardCharsets.UTF_8);
    }
    if (value instanceof Boolean bool) {
      return bool ? "1" : "0";
    }
    return value.toString(); // String, Integer, Long
  }

  /**
   * The Vert.x JDBC client reads SQLite's REAL (a double) as a Java float, since REAL is the single
   * precision type in JDBC. The float's shortest digits are the double's whenever the double had
   * about seven significant digits or fewer (0.1, 1.5, 1e20), so they are read back as a double;
   * more digits, and magnitudes beyond a float's range, are lost before sockmapd sees them.
   */
  static double widened(float value) {
    if (Float.isNaN(value) || Float.isInfinite(value)) {
      return value;
    }
    DecimalDigits digits = DecimalDigits.shortest(value, false);
    String text =
        (digits.negative() ? "-0." : "0.") + digits.digits() + "e" + digits.pointPosition();
    return Double.parseDouble(text);
  }

  /** {@code %!.15g}: plain for exponents -4..14, else {@code d.ddde+XX}; a point always. */
  static String real(double value) {
    if (Double.isNaN(value)) {
      return "NaN";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "Inf" : "-Inf";
    }
    DecimalDigits digits = DecimalDigits.rounded(value, REAL_DIGITS);
    String sign = digits.negative() ? "-" : "";
    if (digits.isZero()) {
      return sign + "0.0";
    }
    int exponent = digits.exponent();
    if (exponent >= -4 && exponent < REAL_DIGITS) {
      return sign + digits.plain(1);
    }
    return sign
        + digits.mantissa(1)
        + (exponent < 0 ? "e-" : "e+")
        + String.format(Locale.ROOT, "%02d", Math.abs(exponent));
  }
}
