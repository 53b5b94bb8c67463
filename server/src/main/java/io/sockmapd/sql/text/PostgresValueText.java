package io.sockmapd.sql.text;

import io.vertx.core.buffer.Buffer;
import io.vertx.pgclient.data.Box;
import io.vertx.pgclient.data.Cidr;
import io.vertx.pgclient.data.Circle;
import io.vertx.pgclient.data.Inet;
import io.vertx.pgclient.data.Interval;
import io.vertx.pgclient.data.Line;
import io.vertx.pgclient.data.LineSegment;
import io.vertx.pgclient.data.Money;
import io.vertx.pgclient.data.Path;
import io.vertx.pgclient.data.Point;
import io.vertx.pgclient.data.Polygon;
import io.vertx.sqlclient.data.Numeric;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoField;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * PostgreSQL's text output ({@code typoutput}), as psql and libpq show it, for the Java objects the
 * Vert.x PostgreSQL client decodes, under the session settings sockmapd's connections run with:
 * {@code DateStyle = ISO}, {@code IntervalStyle = postgres}, {@code extra_float_digits >= 1} (all
 * three set by the Vert.x client at connect and equal to PostgreSQL's defaults), {@code
 * bytea_output = hex} and {@code lc_monetary = C} (server defaults assumed), and {@code TimeZone}
 * set by sockmapd at connect to {@link #sessionTimeZone} so that {@code timestamptz} values, which
 * arrive as instants, can be shown in the session's zone. Types the client does not decode (enums,
 * domains over text, ranges, {@code macaddr}, {@code xml}, {@code tsvector} ...) arrive as the
 * server's text already.
 */
public final class PostgresValueText implements ValueText {
  /**
   * What the client makes of {@code -infinity} (the smallest 64-bit microsecond count from
   * 2000-01-01); {@code infinity} it maps to {@code LocalDateTime.MAX}.
   */
  private static final LocalDateTime MINUS_INFINITY =
      LocalDateTime.of(2000, 1, 1, 0, 0).plus(Long.MIN_VALUE, ChronoUnit.MICROS);

  private final ZoneId timeZone;

  /** Renders {@code timestamptz} in {@code timeZone}, which must be the session's TimeZone. */
  public PostgresValueText(ZoneId timeZone) {
    this.timeZone = timeZone;
  }

  /**
   * The TimeZone sockmapd's PostgreSQL sessions run in: the daemon's own zone (TZ, or the host's
   * zone), so a {@code timestamptz} shows in local time as on the mail host; {@code UTC} when that
   * zone is only an offset, which is not a name every server knows.
   */
  public static ZoneId sessionTimeZone() {
    ZoneId zone = ZoneId.systemDefault();
    return zone instanceof ZoneOffset ? ZoneOffset.UTC : zone;
  }

  @Override
  public @Nullable String text(@Nullable Object value) {
    if (value == null) {
      return null;
    }
    if (value.getClass().isArray() && !(value instanceof byte[])) {
      return array((Object[]) value);
    }
    return scalar(value);
  }

  private String scalar(Object value) {
    if (value instanceof String text) {
      return text;
    }
    if (value instanceof Boolean bool) {
      return bool ? "t" : "f";
    }
    if (value instanceof Double number) {
      return float8(number);
    }
    if (value instanceof Float number) {
      return float4(number);
    }
    if (value instanceof Numeric numeric) {
      return numeric.isNaN() ? "NaN" : plain(numeric.bigDecimalValue());
    }
    if (value instanceof BigDecimal number) {
      return plain(number);
    }
    if (value instanceof Buffer buffer) {
      return "\\x" + HexFormat.of().formatHex(buffer.getBytes());
    }
    if (value instanceof byte[] bytes) {
      return "\\x" + HexFormat.of().formatHex(bytes);
    }
    if (value instanceof LocalDate date) {
      return date(date);
    }
    if (value instanceof LocalTime time) {
      return time(time);
    }
    if (value instanceof OffsetTime time) {
      return time(time.toLocalTime()) + offset(time.getOffset().getTotalSeconds());
    }
    if (value instanceof LocalDateTime timestamp) {
      return timestamp(timestamp);
    }
    if (value instanceof OffsetDateTime timestamp) {
      return timestamptz(timestamp);
    }
    if (value instanceof Interval interval) {
      return interval(interval);
    }
    if (value instanceof UUID uuid) {
      return uuid.toString();
    }
    if (value instanceof Inet inet) {
      return address(inet.getAddress(), inet.getNetmask(), false);
    }
    if (value instanceof Cidr cidr) {
      return address(cidr.getAddress(), cidr.getNetmask(), true);
    }
    if (value instanceof Money money) {
      return money(money.bigDecimalValue());
    }
    String geometry = geometry(value);
    if (geometry != null) {
      return geometry;
    }
    String json = JsonText.text(value);
    if (json != null) {
      return json;
    }
    // Short, Integer, Long and whatever else has a faithful toString.
    return value.toString();
  }

  // ---- arrays ----

  /**
   * array_out: {@code {a,b}}, elements quoted when empty, {@code NULL} (any case), or holding
   * braces, quotes, backslash, the delimiter or white space; {@code "} and {@code \} escaped with a
   * backslash. The client decodes one-dimensional arrays only.
   */
  private String array(Object[] elements) {
    char delimiter = elements.getClass().getComponentType() == Box.class ? ';' : ',';
    StringBuilder out = new StringBuilder("{");
    for (int i = 0; i < elements.length; i++) {
      if (i > 0) {
        out.append(delimiter);
      }
      Object element = elements[i];
      if (element == null) {
        out.append("NULL");
      } else if (element.getClass().isArray() && !(element instanceof byte[])) {
        String inner = array((Object[]) element);
        out.append(inner);
      } else {
        quoteElement(out, scalar(element), delimiter);
      }
    }
    return out.append('}').toString();
  }

  private static void quoteElement(StringBuilder out, String text, char delimiter) {
    boolean quote = text.isEmpty() || text.equalsIgnoreCase("NULL");
    for (int i = 0; i < text.length() && !quote; i++) {
      char c = text.charAt(i);
      quote =
          c == '{'
              || c == '}'
              || c == '"'
              || c == '\\'
              || c == delimiter
              || c == ' '
              || (c >= '\t' && c <= '\r');
    }
    if (!quote) {
      out.append(text);
      return;
    }
    out.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\');
      }
      out.append(c);
    }
    out.append('"');
  }

  // ---- numbers ----

  /** float8out with extra_float_digits >= 1: shortest digits, plain for exponents -4..14. */
  static String float8(double value) {
    if (Double.isNaN(value)) {
      return "NaN";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "Infinity" : "-Infinity";
    }
    return shortestFloat(DecimalDigits.shortest(value, false), 15);
  }

  /** float4out: the same, shortest as a float, plain for exponents -4..5. */
  static String float4(float value) {
    if (Float.isNaN(value)) {
      return "NaN";
    }
    if (Float.isInfinite(value)) {
      return value > 0 ? "Infinity" : "-Infinity";
    }
    return shortestFloat(DecimalDigits.shortest(value, false), 6);
  }

  private static String shortestFloat(DecimalDigits digits, int plainBelow) {
    String sign = digits.negative() ? "-" : "";
    if (digits.isZero()) {
      return sign + "0";
    }
    int exponent = digits.exponent();
    if (exponent >= -4 && exponent < plainBelow) {
      return sign + digits.plain(0);
    }
    return sign
        + digits.mantissa(0)
        + (exponent < 0 ? "e-" : "e+")
        + String.format(Locale.ROOT, "%02d", Math.abs(exponent));
  }

  /** numeric_out: plain notation with the value's own scale. */
  private static String plain(BigDecimal number) {
    return number.toPlainString();
  }

  /**
   * cash_out under {@code lc_monetary = C}: {@code $}, thousands grouped with {@code ,}, two
   * decimals, a leading {@code -}.
   */
  static String money(BigDecimal amount) {
    BigDecimal scaled = amount.setScale(2, RoundingMode.HALF_EVEN);
    String digits = scaled.abs().toPlainString();
    int point = digits.indexOf('.');
    String whole = digits.substring(0, point);
    StringBuilder grouped = new StringBuilder();
    for (int i = 0; i < whole.length(); i++) {
      if (i > 0 && (whole.length() - i) % 3 == 0) {
        grouped.append(',');
      }
      grouped.append(whole.charAt(i));
    }
    return (scaled.signum() < 0 ? "-$" : "$") + grouped + digits.substring(point);
  }

  // ---- date and time (DateStyle ISO) ----

  /** date_out: {@code YYYY-MM-DD}, years before 1 as {@code YYYY-MM-DD BC}; infinities by name. */
  static String date(LocalDate date) {
    if (date.equals(LocalDate.MAX)) {
      return "infinity";
    }
    if (date.equals(LocalDate.MIN)) {
      return "-infinity";
    }
    return datePart(date) + era(date.getYear());
  }

  private static String datePart(LocalDate date) {
    int year = date.getYear();
    return String.format(
        Locale.ROOT,
        "%04d-%02d-%02d",
        year > 0 ? year : 1 - year,
        date.getMonthValue(),
        date.getDayOfMonth());
  }

  private static String era(int isoYear) {
    return isoYear > 0 ? "" : " BC";
  }

  /** time_out: {@code HH:MM:SS} and the microseconds without trailing zeros. */
  static String time(LocalTime time) {
    if (time.equals(LocalTime.MAX)) {
      return "24:00:00"; // the client's stand-in for PostgreSQL's 24:00:00
    }
    return String.format(
            Locale.ROOT, "%02d:%02d:%02d", time.getHour(), time.getMinute(), time.getSecond())
        + fraction(time.get(ChronoField.MICRO_OF_SECOND));
  }

  private static String fraction(long micros) {
    if (micros == 0) {
      return "";
    }
    String digits = String.format(Locale.ROOT, "%06d", Math.abs(micros));
    int end = digits.length();
    while (digits.charAt(end - 1) == '0') {
      end--;
    }
    return "." + digits.substring(0, end);
  }

  static String timestamp(LocalDateTime timestamp) {
    if (timestamp.equals(LocalDateTime.MAX)) {
      return "infinity";
    }
    if (timestamp.equals(LocalDateTime.MIN) || timestamp.equals(MINUS_INFINITY)) {
      return "-infinity";
    }
    return datePart(timestamp.toLocalDate())
        + " "
        + time(timestamp.toLocalTime())
        + era(timestamp.getYear());
  }

  /** timestamptz_out: the instant in the session's zone, with that zone's offset then. */
  String timestamptz(OffsetDateTime instant) {
    if (instant.equals(OffsetDateTime.MAX)) {
      return "infinity";
    }
    if (instant.equals(OffsetDateTime.MIN) || instant.toLocalDateTime().equals(MINUS_INFINITY)) {
      return "-infinity";
    }
    ZonedDateTime local = instant.atZoneSameInstant(timeZone);
    return datePart(local.toLocalDate())
        + " "
        + time(local.toLocalTime())
        + offset(local.getOffset().getTotalSeconds())
        + era(local.getYear());
  }

  /** EncodeTimezone: {@code +HH}, {@code +HH:MM} or {@code +HH:MM:SS}, east positive. */
  static String offset(int secondsEast) {
    int seconds = Math.abs(secondsEast);
    String sign = secondsEast < 0 ? "-" : "+";
    int hours = seconds / 3600;
    int minutes = seconds / 60 % 60;
    int rest = seconds % 60;
    if (rest != 0) {
      return String.format(Locale.ROOT, "%s%02d:%02d:%02d", sign, hours, minutes, rest);
    }
    if (minutes != 0) {
      return String.format(Locale.ROOT, "%s%02d:%02d", sign, hours, minutes);
    }
    return String.format(Locale.ROOT, "%s%02d", sign, hours);
  }

  /**
   * interval_out with IntervalStyle postgres, from the three stored fields (months, days,
   * microseconds) which the client spreads over years .. microseconds: {@code 1 year 2 mons -3 days
   * +04:05:06.5}.
   */
  static String interval(Interval interval) {
    long months = interval.getYears() * 12L + interval.getMonths();
    long days = interval.getDays();
    long micros =
        ((interval.getHours() * 60L + interval.getMinutes()) * 60L + interval.getSeconds())
                * 1_000_000L
            + interval.getMicroseconds();
    IntervalWriter out = new IntervalWriter();
    out.part(months / 12, "year");
    out.part(months % 12, "mon");
    out.part(days, "day");
    long hours = micros / 3_600_000_000L;
    long minutes = micros / 60_000_000L % 60;
    long seconds = micros / 1_000_000L % 60;
    long fraction = micros % 1_000_000L;
    if (out.isZero || micros != 0) {
      boolean minus = micros < 0;
      out.text
          .append(out.isZero ? "" : " ")
          .append(minus ? "-" : out.isBefore ? "+" : "")
          .append(
              String.format(
                  Locale.ROOT,
                  "%02d:%02d:%02d",
                  Math.abs(hours),
                  Math.abs(minutes),
                  Math.abs(seconds)))
          .append(fraction(fraction));
    }
    return out.text.toString();
  }

  /** AddPostgresIntPart's state: a {@code +} goes before a positive part after a negative one. */
  private static final class IntervalWriter {
    final StringBuilder text = new StringBuilder();
    boolean isZero = true;
    boolean isBefore;

    void part(long value, String unit) {
      if (value == 0) {
        return;
      }
      text.append(isZero ? "" : " ")
          .append(isBefore && value > 0 ? "+" : "")
          .append(value)
          .append(' ')
          .append(unit)
          .append(value != 1 ? "s" : "");
      isBefore = value < 0;
      isZero = false;
    }
  }

  // ---- network ----

  /** inet_out / cidr_out: the address, and {@code /bits} for cidr or a non-host inet. */
  static String address(InetAddress address, @Nullable Integer netmask, boolean alwaysMask) {
    boolean v4 = address instanceof Inet4Address;
    int hostBits = v4 ? 32 : 128;
    String text = v4 ? address.getHostAddress() : ipv6(address.getAddress());
    if (netmask == null || (!alwaysMask && netmask == hostBits)) {
      return text;
    }
    return text + "/" + netmask;
  }

  /**
   * inet_net_ntop for IPv6: hex groups without leading zeros, the first longest run of two or more
   * zero groups as {@code ::}, an embedded IPv4 address for {@code ::a.b.c.d} and {@code
   * ::ffff:a.b.c.d}. (The JDK's getHostAddress writes every group out.)
   */
  static String ipv6(byte[] bytes) {
    int[] words = new int[8];
    for (int i = 0; i < 8; i++) {
      words[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLength = 0;
    for (int i = 0; i < 8; ) {
      if (words[i] != 0) {
        i++;
        continue;
      }
      int start = i;
      while (i < 8 && words[i] == 0) {
        i++;
      }
      if (i - start > bestLength) {
        bestStart = start;
        bestLength = i - start;
      }
    }
    if (bestLength < 2) {
      bestStart = -1;
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (bestStart >= 0 && i >= bestStart && i < bestStart + bestLength) {
        if (i == bestStart) {
          out.append(':');
        }
        continue;
      }
      if (i != 0) {
        out.append(':');
      }
      if (i == 6
          && bestStart == 0
          && (bestLength == 6
              || (bestLength == 7 && words[7] != 0x0001)
              || (bestLength == 5 && words[5] == 0xffff))) {
        out.append(bytes[12] & 0xff)
            .append('.')
            .append(bytes[13] & 0xff)
            .append('.')
            .append(bytes[14] & 0xff)
            .append('.')
            .append(bytes[15] & 0xff);
        return out.toString();
      }
      out.append(Integer.toHexString(words[i]));
    }
    if (bestStart >= 0 && bestStart + bestLength == 8) {
      out.append(':');
    }
    return out.toString();
  }

  // ---- geometry (coordinates as float8) ----

  private static @Nullable String geometry(Object value) {
    if (value instanceof Point point) {
      return point(point);
    }
    if (value instanceof Line line) {
      return "{"
          + float8(line.getA())
          + ","
          + float8(line.getB())
          + ","
          + float8(line.getC())
          + "}";
    }
    if (value instanceof LineSegment segment) {
      return "[" + point(segment.getP1()) + "," + point(segment.getP2()) + "]";
    }
    if (value instanceof Box box) {
      return point(box.getUpperRightCorner()) + "," + point(box.getLowerLeftCorner());
    }
    if (value instanceof Path path) {
      String points = points(path.getPoints());
      return path.isOpen() ? "[" + points + "]" : "(" + points + ")";
    }
    if (value instanceof Polygon polygon) {
      return "(" + points(polygon.getPoints()) + ")";
    }
    if (value instanceof Circle circle) {
      return "<" + point(circle.getCenterPoint()) + "," + float8(circle.getRadius()) + ">";
    }
    return null;
  }

  private static String point(Point point) {
    return "(" + float8(point.getX()) + "," + float8(point.getY()) + ")";
  }

  private static String points(List<Point> points) {
    StringBuilder out = new StringBuilder();
    for (Point point : points) {
      if (out.length() > 0) {
        out.append(',');
      }
      out.append(point(point));
    }
    return out.toString();
  }
}
