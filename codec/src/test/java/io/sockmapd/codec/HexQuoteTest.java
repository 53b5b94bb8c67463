package io.sockmapd.codec;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Postfix's hex_quote/hex_unquote, byte for byte. */
class HexQuoteTest {

  @Test
  void quotesLikeThePostfixClient() {
    // Seen on the wire from postmap -q against a tcp: table.
    assertThat(HexQuote.quote("a b%c\tcafé+x@Example.com"))
        .isEqualTo("a%20b%25c%09caf%C3%A9+x@Example.com");
  }

  @Test
  void keepsExactlyPrintableAsciiOtherThanSpaceAndPercent() {
    for (int b = 1; b < 256; b++) {
      final String quoted = HexQuote.quote(new byte[] {(byte) b});
      if (b >= 0x21 && b <= 0x7e && b != '%') {
        assertThat(quoted).as("byte 0x%02x", b).isEqualTo(String.valueOf((char) b));
      } else {
        assertThat(quoted).as("byte 0x%02x", b).isEqualTo(String.format("%%%02X", b));
      }
    }
  }

  @Test
  void quotesControlCharactersDelAndNonAscii() {
    assertThat(HexQuote.quote("\r\n\u000b\f\u007f")).isEqualTo("%0D%0A%0B%0C%7F");
    assertThat(HexQuote.quote("\uD83D\uDE00")).isEqualTo("%F0%9F%98%80");
  }

  @Test
  void doesNotTurnPlusIntoSpace() {
    assertThat(HexQuote.quote("a+b")).isEqualTo("a+b");
    assertThat(HexQuote.unquote("a+b")).isEqualTo("a+b".getBytes(ISO_8859_1));
  }

  @Test
  void computesQuotedLength() {
    assertThat(HexQuote.quotedLength("a b%é".getBytes(UTF_8))).isEqualTo(1 + 3 + 1 + 3 + 6);
    assertThat(HexQuote.quotedLength(new byte[0])).isZero();
  }

  @Test
  void unquotesUpperLowerAndMixedCase() {
    assertThat(new String(HexQuote.unquote("caf%C3%A9"), UTF_8)).isEqualTo("café");
    assertThat(new String(HexQuote.unquote("caf%c3%a9"), UTF_8)).isEqualTo("café");
    assertThat(new String(HexQuote.unquote("caf%c3%A9"), UTF_8)).isEqualTo("café");
  }

  @Test
  void takesUnquotedBytesLiterally() {
    // Postfix's client accepts "200 a b" as the value "a b"; any byte but '%' passes.
    assertThat(HexQuote.unquote("a b\t\u00e9\r")).isEqualTo("a b\t\u00e9\r".getBytes(ISO_8859_1));
  }

  @Test
  void unquotesEveryByteQuotedAndBack() {
    final byte[] all = new byte[255];
    for (int i = 0; i < all.length; i++) {
      all[i] = (byte) (i + 1);
    }
    assertThat(HexQuote.unquote(HexQuote.quote(all))).isEqualTo(all);
  }

  @Test
  void unquotesNul() {
    // hex_unquote itself accepts it; the request decoder refuses keys that contain it.
    assertThat(HexQuote.unquote("a%00b")).isEqualTo(new byte[] {'a', 0, 'b'});
  }

  @ParameterizedTest
  @ValueSource(strings = {"%", "a%", "%4", "a%4", "%zz", "%4g", "%g4", "%%", "%%41", "% 41"})
  void rejectsPercentWithoutTwoHexDigits(final String quoted) {
    assertThatThrownBy(() -> HexQuote.unquote(quoted))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("malformed %XX escape at offset ")
        .hasMessageEndingWith(": '%' needs two hex digits");
  }

  @Test
  void namesTheOffsetOfTheBadEscape() {
    assertThatThrownBy(() -> HexQuote.unquote("ab%41%x1"))
        .hasMessage("malformed %XX escape at offset 5: '%' needs two hex digits");
  }
}
