package io.sockmapd.sql;

import com.ibm.icu.lang.UCharacter;

/**
 * How a key is case-folded before it is queried, following Postfix's SQL tables (which fold a key
 * unless {@code postmap -f}):
 *
 * <ul>
 *   <li>{@code smtputf8_enable = yes} (the default from compatibility level 1 on): Postfix's {@code
 *       dict_utf8} wrapper folds the key with {@code casefold()}, which is ASCII lowercasing for an
 *       all-ASCII key and ICU full case folding ({@code U_FOLD_CASE_DEFAULT}) otherwise: {@code
 *       Straße} → {@code strasse}, {@code ẞ} → {@code ss}, {@code ΣΑΣ} → {@code σασ}, {@code ﬀ} →
 *       {@code ff}, {@code İ} → {@code i̇}.
 *   <li>{@code smtputf8_enable = no}: the table folds with {@code lowercase()}, byte by byte, so
 *       only ASCII letters change ({@code ÀB} → {@code Àb}).
 * </ul>
 *
 * Java's {@code toLowerCase} is neither: it keeps {@code ß}, writes a final {@code ς}, and with
 * {@code Locale.ROOT} still folds non-ASCII letters.
 */
enum CaseFolding {
  /** The key as received ({@code fold_case: false}). */
  NONE {
    @Override
    String fold(String key) {
      return key;
    }
  },

  /** Postfix with {@code smtputf8_enable = no}: ASCII letters only. */
  ASCII {
    @Override
    String fold(String key) {
      return lowerAscii(key);
    }
  },

  /** Postfix with {@code smtputf8_enable = yes}: Unicode full case folding. */
  UNICODE {
    @Override
    String fold(String key) {
      for (int i = 0; i < key.length(); i++) {
        if (key.charAt(i) >= 0x80) {
          return UCharacter.foldCase(key, UCharacter.FOLD_CASE_DEFAULT);
        }
      }
      return lowerAscii(key); // what Postfix does for all-ASCII keys; the same result, faster
    }
  };

  /** The folding for a map's {@code fold_case} and {@code smtputf8_enable}. */
  static CaseFolding of(boolean foldCase, boolean smtputf8) {
    if (!foldCase) {
      return NONE;
    }
    if (!smtputf8) {
      return ASCII;
    }
    checkUnicodeData();
    return UNICODE;
  }

  /** {@code key} folded. */
  abstract String fold(String key);

  private static String lowerAscii(String key) {
    int first = 0;
    while (first < key.length() && !isAsciiUpper(key.charAt(first))) {
      first++;
    }
    if (first == key.length()) {
      return key;
    }
    char[] chars = key.toCharArray();
    for (int i = first; i < chars.length; i++) {
      if (isAsciiUpper(chars[i])) {
        chars[i] = (char) (chars[i] + ('a' - 'A'));
      }
    }
    return new String(chars);
  }

  private static boolean isAsciiUpper(char c) {
    return c >= 'A' && c <= 'Z';
  }

  /**
   * Folds a sample when a map that needs ICU is built: the packaged jar carries only the ICU data
   * that case folding needs, and a missing table must stop the start, not fail lookups later.
   */
  private static void checkUnicodeData() {
    String sample = "ẞΣΑΣﬀ";
    String folded;
    try {
      folded = UCharacter.foldCase(sample, UCharacter.FOLD_CASE_DEFAULT);
    } catch (RuntimeException | LinkageError e) {
      throw new IllegalStateException("ICU case folding does not work: " + e, e);
    }
    if (!folded.equals("ssσασff")) {
      throw new IllegalStateException("ICU case folding gave " + folded + " for " + sample);
    }
  }
}
