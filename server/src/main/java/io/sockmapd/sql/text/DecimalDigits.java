package io.sockmapd.sql.text;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * The significant decimal digits of a binary floating-point number and where its decimal point
 * goes: {@code value = ±0.DIGITS × 10^pointPosition}. Each engine lays these digits out in its own
 * notation; the digits themselves are the same everywhere: either the shortest that read back as
 * the same number (PostgreSQL 12+, MariaDB's DOUBLE) or the exact value rounded to a fixed count
 * (MariaDB's FLOAT, SQLite's {@code %.15g}).
 *
 * <p>Written here because the JDK has neither: {@link Double#toString} is not always the shortest
 * before Java 19 (JDK-4511638), and {@link Float#toString} and {@code %g} pad to a fixed count.
 *
 * @param negative the sign, kept for {@code -0}
 * @param digits the significant digits, no leading or trailing zeros; {@code "0"} for zero
 * @param pointPosition where the decimal point goes relative to the first digit
 */
record DecimalDigits(boolean negative, String digits, int pointPosition) {
  private static final int MAX_DOUBLE_DIGITS = 17;
  private static final int MAX_FLOAT_DIGITS = 9;

  /** The exponent of the first digit in scientific notation ({@code d.ddd × 10^exponent}). */
  int exponent() {
    return pointPosition - 1;
  }

  boolean isZero() {
    return digits.equals("0");
  }

  /**
   * The shortest digits that read back as {@code value} (finite), the nearest such if several.
   *
   * @param tiesReadBack whether a decimal exactly halfway to a neighbour counts as reading back
   *     when the value's last mantissa bit is even, as it does under round-half-even parsing (true
   *     for MariaDB's dtoa; PostgreSQL's Ryu does not count it, so 1e23 prints as
   *     9.999999999999999e+22 there)
   */
  static DecimalDigits shortest(double value, boolean tiesReadBack) {
    double magnitude = Math.abs(value);
    boolean even = (Double.doubleToRawLongBits(magnitude) & 1) == 0;
    return shortest(
        value,
        new BigDecimal(magnitude),
        new BigDecimal(Math.nextDown(magnitude)),
        new BigDecimal(Math.ulp(magnitude)),
        MAX_DOUBLE_DIGITS,
        tiesReadBack && even);
  }

  /** The same for a float: the shortest digits that read back as this float. */
  static DecimalDigits shortest(float value, boolean tiesReadBack) {
    float magnitude = Math.abs(value);
    boolean even = (Float.floatToRawIntBits(magnitude) & 1) == 0;
    return shortest(
        value,
        new BigDecimal(magnitude),
        new BigDecimal(Math.nextDown(magnitude)),
        new BigDecimal(Math.ulp(magnitude)),
        MAX_FLOAT_DIGITS,
        tiesReadBack && even);
  }

  /** {@code value} (finite) rounded half-even to {@code precision} significant digits. */
  static DecimalDigits rounded(double value, int precision) {
    BigDecimal exact = new BigDecimal(Math.abs(value));
    if (exact.signum() == 0) {
      return zero(value);
    }
    return of(value, exact.round(new MathContext(precision, RoundingMode.HALF_EVEN)));
  }

  /**
   * Tries 1, 2, ... digits: a candidate reads back when it lies within half the gap to either
   * neighbour (the gap below a power of two is half the gap above, so the nearest candidate may
   * miss where the one on the other side does not).
   */
  private static DecimalDigits shortest(
      double value,
      BigDecimal exact,
      BigDecimal below,
      BigDecimal gapAbove,
      int maxDigits,
      boolean tiesReadBack) {
    if (exact.signum() == 0) {
      return zero(value);
    }
    BigDecimal two = BigDecimal.valueOf(2);
    BigDecimal low = exact.add(below).divide(two);
    BigDecimal high = exact.add(gapAbove.divide(two));
    for (int precision = 1; precision <= maxDigits; precision++) {
      BigDecimal best = null;
      for (RoundingMode mode :
          new RoundingMode[] {RoundingMode.HALF_EVEN, RoundingMode.DOWN, RoundingMode.UP}) {
        BigDecimal candidate = exact.round(new MathContext(precision, mode));
        int fromLow = candidate.compareTo(low);
        int fromHigh = candidate.compareTo(high);
        boolean inside = tiesReadBack ? fromLow >= 0 && fromHigh <= 0 : fromLow > 0 && fromHigh < 0;
        if (inside
            && (best == null
                || candidate.subtract(exact).abs().compareTo(best.subtract(exact).abs()) < 0)) {
          best = candidate;
        }
      }
      if (best != null) {
        return of(value, best);
      }
    }
    return of(value, exact.round(new MathContext(maxDigits, RoundingMode.HALF_EVEN)));
  }

  private static DecimalDigits zero(double value) {
    return new DecimalDigits(Double.doubleToRawLongBits(value) < 0, "0", 1);
  }

  private static DecimalDigits of(double value, BigDecimal magnitude) {
    BigDecimal stripped = magnitude.stripTrailingZeros();
    String digits = stripped.unscaledValue().toString();
    // value = unscaled × 10^-scale = 0.DIGITS × 10^(length - scale)
    return new DecimalDigits(value < 0, digits, digits.length() - stripped.scale());
  }

  /**
   * Plain notation: {@code 0.00ddd}, {@code ddd00}, {@code dd.ddd}; without sign. {@code
   * minFraction} digits after the point at least (0: no point for whole numbers).
   */
  String plain(int minFraction) {
    StringBuilder out = new StringBuilder();
    int length = digits.length();
    if (pointPosition <= 0) {
      out.append("0.").append("0".repeat(-pointPosition)).append(digits);
    } else if (pointPosition >= length) {
      out.append(digits).append("0".repeat(pointPosition - length));
    } else {
      out.append(digits, 0, pointPosition).append('.').append(digits, pointPosition, length);
    }
    int point = out.indexOf(".");
    int fraction = point < 0 ? 0 : out.length() - point - 1;
    if (fraction < minFraction) {
      if (point < 0) {
        out.append('.');
      }
      out.append("0".repeat(minFraction - fraction));
    }
    return out.toString();
  }

  /**
   * The mantissa of scientific notation, {@code d} or {@code d.ddd}; without sign. {@code
   * minFraction} digits after the point at least.
   */
  String mantissa(int minFraction) {
    StringBuilder out = new StringBuilder().append(digits.charAt(0));
    int fraction = digits.length() - 1;
    if (fraction > 0 || minFraction > 0) {
      out.append('.').append(digits, 1, digits.length());
      out.append("0".repeat(Math.max(0, minFraction - fraction)));
    }
    return out.toString();
  }
}
