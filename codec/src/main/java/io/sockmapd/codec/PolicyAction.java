package io.sockmapd.codec;

import static java.util.Objects.requireNonNull;

import java.util.Locale;
import java.util.Set;

/**
 * The {@code action} of an SMTPD policy reply, validated so that Postfix does what it says.
 *
 * <p>An action is a word, optionally followed by a space and text. Postfix ({@code
 * check_table_result} in {@code smtpd_check.c}) compares the word case-insensitively and skips the
 * spaces before the text. Accepted are:
 *
 * <ul>
 *   <li>the access(5) actions {@code OK}, {@code REJECT}, {@code DEFER}, {@code DEFER_IF_REJECT},
 *       {@code DEFER_IF_PERMIT}, {@code DUNNO}, {@code HOLD}, {@code DISCARD}, {@code INFO}, {@code
 *       WARN} (text optional), {@code FILTER transport:destination}, {@code REDIRECT user@domain},
 *       {@code BCC user@domain} and {@code PREPEND headername: headervalue} (Postfix ignores these
 *       four, with only a warning, when their argument has the wrong form);
 *   <li>a code {@code 4NN} or {@code 5NN} followed by text, optionally starting with an enhanced
 *       status code ({@code 554 5.7.1 no thanks}).
 * </ul>
 *
 * <p>Refused, because Postfix would do something else than it seems:
 *
 * <ul>
 *   <li>an empty action (Postfix warns and <em>permits</em>), and a code without text: Postfix
 *       reads {@code 550} alone as an all-numeric result, which also means OK;
 *   <li>restriction names and restriction classes ({@code permit}, {@code
 *       reject_unauth_destination}, ...): they depend on the Postfix configuration, and a name
 *       Postfix does not know fails the whole SMTP command with a server error;
 *   <li>{@code HANGUP} (an unsupported test feature) and {@code RELAY} (undocumented);
 *   <li>anything with a control character (a newline would end the reply early), a leading space,
 *       or an unpaired surrogate (Postfix with SMTPUTF8 requires the action to be valid UTF-8).
 * </ul>
 */
public final class PolicyAction {

  /** The access(5) action words, upper case. */
  private static final Set<String> WORDS =
      Set.of(
          "OK",
          "REJECT",
          "DEFER",
          "DEFER_IF_REJECT",
          "DEFER_IF_PERMIT",
          "DUNNO",
          "HOLD",
          "DISCARD",
          "FILTER",
          "REDIRECT",
          "PREPEND",
          "WARN",
          "INFO",
          "BCC");

  private static final PolicyAction DUNNO = parse("DUNNO");

  private final String action;

  private final String word;

  private final String text;

  private PolicyAction(final String action, final String word, final String text) {
    this.action = action;
    this.word = word;
    this.text = text;
  }

  /**
   * Validates an action as it would follow {@code action=}.
   *
   * @param action the action, e.g. {@code "REJECT not today"} or {@code "450 4.7.1 try later"}
   * @return the action
   * @throws IllegalArgumentException if Postfix would not do what the action says; the message says
   *     why
   */
  public static PolicyAction parse(final String action) {
    requireNonNull(action, "action");
    if (action.isEmpty()) {
      throw invalid(action, "it is empty (Postfix would permit)");
    }
    for (int i = 0; i < action.length(); i++) {
      final char c = action.charAt(i);
      if (Character.isISOControl(c)) {
        throw invalid(action, String.format("it contains the control character U+%04X", (int) c));
      }
      if (Character.isHighSurrogate(c)
          && i + 1 < action.length()
          && Character.isLowSurrogate(action.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw invalid(action, "it contains an unpaired surrogate, which is not valid UTF-8");
      }
    }
    final int space = action.indexOf(' ');
    final String first = space < 0 ? action : action.substring(0, space);
    if (first.isEmpty()) {
      throw invalid(action, "it starts with a space");
    }
    final String text = space < 0 ? "" : action.substring(space + 1).stripLeading();
    if (isCode(first)) {
      if (text.isEmpty()) {
        throw invalid(action, "a code needs text (Postfix reads a bare number as OK)");
      }
      return new PolicyAction(action, first, text);
    }
    final String word = first.toUpperCase(Locale.ROOT);
    if (!WORDS.contains(word)) {
      throw invalid(action, "\"" + first + "\" is neither an access(5) action nor a 4xx/5xx code");
    }
    checkArgument(action, word, text);
    return new PolicyAction(action, word, text);
  }

  /**
   * Builds and validates {@code word + " " + text}, or {@code word} alone for an empty text.
   *
   * @param word an access(5) action or a 4xx/5xx code
   * @param text the text or argument, may be empty
   * @return the action
   * @throws IllegalArgumentException as {@link #parse(String)}
   */
  public static PolicyAction of(final String word, final String text) {
    return parse(text.isEmpty() ? word : word + ' ' + text);
  }

  /**
   * The action that lets Postfix go on with its next restriction.
   *
   * @return {@code DUNNO}
   */
  public static PolicyAction dunno() {
    return DUNNO;
  }

  private static boolean isCode(final String word) {
    return word.length() == 3
        && (word.charAt(0) == '4' || word.charAt(0) == '5')
        && isDigit(word.charAt(1))
        && isDigit(word.charAt(2));
  }

  private static boolean isDigit(final char c) {
    return c >= '0' && c <= '9';
  }

  private static void checkArgument(final String action, final String word, final String text) {
    switch (word) {
      case "FILTER" -> {
        if (text.indexOf(':') < 0) {
          throw invalid(action, "FILTER needs transport:destination");
        }
      }
      case "REDIRECT", "BCC" -> {
        if (text.indexOf('@') < 0) {
          throw invalid(action, word + " needs user@domain");
        }
      }
      case "PREPEND" -> {
        if (!isHeader(text)) {
          throw invalid(action, "PREPEND needs headername: headervalue");
        }
      }
      default -> {
        // The other actions take optional free text.
      }
    }
  }

  /** Tells whether {@code text} starts with a header name (printable ASCII but ':') and ':'. */
  private static boolean isHeader(final String text) {
    final int colon = text.indexOf(':');
    if (colon <= 0) {
      return false;
    }
    for (int i = 0; i < colon; i++) {
      final char c = text.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        return false;
      }
    }
    return true;
  }

  private static IllegalArgumentException invalid(final String action, final String why) {
    return new IllegalArgumentException("invalid policy action \"" + action + "\": " + why);
  }

  /**
   * Returns the action word in upper case, or the three-digit code.
   *
   * @return e.g. {@code "REJECT"} or {@code "450"}
   */
  public String word() {
    return word;
  }

  /**
   * Returns the text after the word, without the spaces before it.
   *
   * @return the text, empty if there is none
   */
  public String text() {
    return text;
  }

  /**
   * Returns the action exactly as it is written after {@code action=}.
   *
   * @return the action
   */
  @Override
  public String toString() {
    return action;
  }

  @Override
  public boolean equals(final Object o) {
    return o instanceof PolicyAction other && action.equals(other.action);
  }

  @Override
  public int hashCode() {
    return action.hashCode();
  }
}
