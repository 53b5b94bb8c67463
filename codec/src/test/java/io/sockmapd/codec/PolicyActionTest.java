package io.sockmapd.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PolicyActionTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "OK",
        "DUNNO",
        "dunno",
        "REJECT",
        "REJECT not today",
        "DEFER",
        "DEFER try later",
        "DEFER_IF_REJECT",
        "DEFER_IF_PERMIT Service temporarily unavailable",
        "HOLD",
        "HOLD held for review",
        "DISCARD",
        "INFO hello",
        "WARN",
        "FILTER smtp:[127.0.0.1]:10025",
        "FILTER relay:",
        "REDIRECT postmaster@example.org",
        "BCC archive@example.org",
        "PREPEND X-Policy: checked",
        "554 5.7.1 custom code from policy",
        "450 try later",
        "421 closing",
        "521 go away",
        "REJECT café non-ASCII text",
        "REJECT \uD83D\uDE00 emoji",
        "REJECT   several spaces"
      })
  void acceptsAccessActions(final String action) {
    assertThat(PolicyAction.parse(action).toString()).isEqualTo(action);
  }

  @Test
  void splitsWordAndText() {
    final PolicyAction reject = PolicyAction.parse("reject   not today ");
    assertThat(reject.word()).isEqualTo("REJECT");
    assertThat(reject.text()).isEqualTo("not today ");
    final PolicyAction code = PolicyAction.parse("554 5.7.1 no");
    assertThat(code.word()).isEqualTo("554");
    assertThat(code.text()).isEqualTo("5.7.1 no");
    assertThat(PolicyAction.dunno().word()).isEqualTo("DUNNO");
    assertThat(PolicyAction.dunno().text()).isEmpty();
  }

  @Test
  void buildsFromWordAndText() {
    assertThat(PolicyAction.of("REJECT", "no")).isEqualTo(PolicyAction.parse("REJECT no"));
    assertThat(PolicyAction.of("OK", "")).hasToString("OK");
  }

  @Test
  void refusesEmptyAction() {
    assertThatThrownBy(() -> PolicyAction.parse(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid policy action \"\": it is empty (Postfix would permit)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"550", "450", "550 ", "550   "})
  void refusesCodeWithoutText(final String action) {
    // Postfix would read a bare number as an all-numeric result: OK.
    assertThatThrownBy(() -> PolicyAction.parse(action))
        .hasMessageEndingWith("a code needs text (Postfix reads a bare number as OK)");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "permit",
        "reject_unauth_destination",
        "my_restriction_class",
        "HANGUP",
        "RELAY",
        "12345",
        "250 ok",
        "600 x",
        "45 x",
        "4500 x",
        "DUNNO,REJECT"
      })
  void refusesUnknownWords(final String action) {
    assertThatThrownBy(() -> PolicyAction.parse(action))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageEndingWith("is neither an access(5) action nor a 4xx/5xx code");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "REJECT a\nb",
        "REJECT a\r",
        "REJECT a\tb",
        "REJECT \u0000",
        "REJECT \u007f",
        "REJECT \u0085",
        "OK\n"
      })
  void refusesControlCharacters(final String action) {
    assertThatThrownBy(() -> PolicyAction.parse(action))
        .hasMessageContaining("it contains the control character U+");
  }

  @Test
  void refusesLeadingSpace() {
    assertThatThrownBy(() -> PolicyAction.parse(" REJECT"))
        .hasMessage("invalid policy action \" REJECT\": it starts with a space");
  }

  @ParameterizedTest
  @ValueSource(strings = {"REJECT \uD800", "REJECT \uDC00x", "REJECT x\uD83D"})
  void refusesUnpairedSurrogates(final String action) {
    assertThatThrownBy(() -> PolicyAction.parse(action))
        .hasMessageEndingWith("it contains an unpaired surrogate, which is not valid UTF-8");
  }

  @Test
  void refusesActionsWhoseArgumentPostfixWouldIgnore() {
    assertThatThrownBy(() -> PolicyAction.parse("FILTER"))
        .hasMessageEndingWith("FILTER needs transport:destination");
    assertThatThrownBy(() -> PolicyAction.parse("FILTER smtp"))
        .hasMessageEndingWith("FILTER needs transport:destination");
    assertThatThrownBy(() -> PolicyAction.parse("REDIRECT postmaster"))
        .hasMessageEndingWith("REDIRECT needs user@domain");
    assertThatThrownBy(() -> PolicyAction.parse("BCC"))
        .hasMessageEndingWith("BCC needs user@domain");
    assertThatThrownBy(() -> PolicyAction.parse("PREPEND no header"))
        .hasMessageEndingWith("PREPEND needs headername: headervalue");
    assertThatThrownBy(() -> PolicyAction.parse("PREPEND : x"))
        .hasMessageEndingWith("PREPEND needs headername: headervalue");
    assertThatThrownBy(() -> PolicyAction.parse("PREPEND X é: x"))
        .hasMessageEndingWith("PREPEND needs headername: headervalue");
  }

  @Test
  void comparesByTheWrittenAction() {
    assertThat(PolicyAction.parse("OK")).isEqualTo(PolicyAction.parse("OK"));
    assertThat(PolicyAction.parse("OK")).isNotEqualTo(PolicyAction.parse("ok"));
    assertThat(PolicyAction.parse("OK")).hasSameHashCodeAs(PolicyAction.parse("OK"));
  }
}
