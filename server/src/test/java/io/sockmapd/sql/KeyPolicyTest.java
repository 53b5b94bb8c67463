package io.sockmapd.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockmapd.config.FallbackKey;
import io.sockmapd.config.MapConfig;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Case folding of keys as Postfix's SQL tables fold them. The expected forms are what Postfix 3.7
 * passed to a {@code SELECT '%s'} table through {@code postmap -q} (PostfixDifferentialTest checks
 * the same against the real thing).
 */
class KeyPolicyTest {

  static KeyPolicy policy(boolean foldCase, boolean smtputf8, List<String> domains) {
    return KeyPolicy.of(
        new MapConfig(
            "m",
            "db",
            "SELECT 1",
            "%s",
            domains,
            0,
            foldCase,
            "+",
            List.of(FallbackKey.USER_AT_DOMAIN, FallbackKey.AT_DOMAIN),
            null,
            smtputf8,
            List.of()));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        // key                | smtputf8_enable = yes  | smtputf8_enable = no
        "Straße@Example.com   | strasse@example.com    | straße@example.com",
        "ẞ                    | ss                     | ẞ",
        "ΣΑΣ                  | σασ                    | ΣΑΣ",
        "ﬀ                    | ff                     | ﬀ",
        "İ                    | i\u0307                | İ",
        "ÀB                   | àb                     | Àb",
        "CAFÉ@EXAMPLE.COM     | café@example.com       | cafÉ@example.com",
        "User+Ext@Example.COM | user+ext@example.com   | user+ext@example.com",
        "K                    | k                      | K" // U+212A KELVIN SIGN
      })
  void foldsAsPostfixWithAndWithoutSmtputf8(String key, String unicode, String ascii) {
    assertThat(policy(true, true, List.of()).forms(key).get(0)).isEqualTo(unicode);
    assertThat(policy(true, false, List.of()).forms(key).get(0)).isEqualTo(ascii);
    assertThat(policy(false, true, List.of()).forms(key).get(0)).isEqualTo(key);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "Straße+x@Bücher.Example | strasse+x@bücher.example, strasse@bücher.example, @bücher.example",
      })
  void fallbackFormsAreDerivedFromTheFoldedKey(String key, String forms) {
    assertThat(policy(true, true, List.of()).forms(key)).containsExactly(forms.split(", "));
  }

  @ParameterizedTest
  @CsvSource({"true", "false"})
  void theDomainFilterMatchesWithTheSameFolding(boolean foldCase) {
    // Postfix matches the domain list case-insensitively, with casefold() too.
    assertThat(policy(foldCase, true, List.of("Straße.Example")).forms("a@STRASSE.example"))
        .hasSize(1);
    assertThat(policy(foldCase, false, List.of("Straße.Example")).forms("a@STRASSE.example"))
        .isEmpty();
    assertThat(policy(foldCase, false, List.of("straße.example")).forms("a@STRAßE.Example"))
        .hasSize(1);
  }
}
