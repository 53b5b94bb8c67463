package io.sockmapd.config.schema;

/**
 * A key taking {@code true} or {@code false}.
 *
 * @param defaultText the default as documented; empty to show {@code defaultValue}
 */
public record FlagKey(String name, boolean defaultValue, String defaultText, String doc)
    implements Key {

  @Override
  public String type() {
    return "`true` \\| `false`";
  }

  @Override
  public String defaultText() {
    return defaultText.isEmpty() ? "`" + defaultValue + "`" : defaultText;
  }
}
