package io.sockmapd.sql.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * SQLite's {@code %!.15g} layout for doubles that cannot reach sockmapd through the JDBC client
 * (which narrows REAL to float, see {@link SqliteValueText#widened}), so the layout is checked here
 * directly; the values that do reach it are compared with real Postfix in {@code
 * PostfixValueTextDifferentialTest}. Expected texts are what {@code sqlite3} prints for {@code
 * SELECT CAST(x AS TEXT)} with SQLite 3.40.
 */
class SqliteValueTextTest {
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "0.1|0.1",
        "1.0|1.0",
        "100.0|100.0",
        "1e20|1.0e+20",
        "1e15|1.0e+15",
        "123456789012345.0|123456789012345.0",
        "3.141592653589793|3.14159265358979",
        "-2.5e-300|-2.5e-300",
        "0.0001|0.0001",
        "0.00001|1.0e-05",
        "1.7976931348623157e308|1.79769313486232e+308",
        "0.0|0.0"
      })
  void realsRenderAsPrintfBang15g(double value, String expected) {
    assertThat(SqliteValueText.real(value)).isEqualTo(expected);
  }
}
