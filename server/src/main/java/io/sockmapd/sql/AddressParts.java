package io.sockmapd.sql;

import org.jspecify.annotations.Nullable;

/**
 * A key or value split the way Postfix's {@code db_common_expand} splits it: at the last {@code @},
 * with the domain's labels counted from the right. Each accessor returns null where Postfix would
 * suppress the query (or skip the value).
 */
final class AddressParts {
  private final String whole;
  private final int at;

  AddressParts(String whole) {
    this.whole = whole;
    this.at = whole.lastIndexOf('@');
  }

  String whole() {
    return whole;
  }

  /**
   * The local part; the whole text when it has no {@code @}; null when the local part is empty
   * ({@code @domain}).
   */
  @Nullable String user() {
    if (at < 0) {
      return whole;
    }
    return at == 0 ? null : whole.substring(0, at);
  }

  /** The domain; null without {@code @} or with nothing after it. */
  @Nullable String domain() {
    return at < 0 || at == whole.length() - 1 ? null : whole.substring(at + 1);
  }

  /**
   * Domain label {@code n} (1..9) counted from the right: for {@code mail.example.com} label 1 is
   * {@code com}. Null when there are fewer labels, or one of labels 1..n is empty.
   */
  @Nullable String label(int n) {
    String domain = domain();
    if (domain == null) {
      return null;
    }
    String[] labels = domain.split("\\.", -1);
    if (n > labels.length) {
      return null;
    }
    for (int i = 1; i <= n; i++) {
      if (labels[labels.length - i].isEmpty()) {
        return null;
      }
    }
    return labels[labels.length - n];
  }

  /**
   * The value of expansion {@code %c} taken from this text ({@code s u d 1..9}, case-insensitive
   * for the letters); null when it does not apply.
   */
  @Nullable String expand(char c) {
    if (c >= '1' && c <= '9') {
      return label(c - '0');
    }
    switch (c) {
      case 's', 'S':
        return whole;
      case 'u', 'U':
        return user();
      case 'd', 'D':
        return domain();
      default:
        return null;
    }
  }
}
