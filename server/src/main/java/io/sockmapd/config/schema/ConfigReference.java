package io.sockmapd.config.schema;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders the schema into the reference tables of {@code docs/configuration.md}. Each section's
 * table stands between {@code <!-- schema:ID -->} and {@code <!-- /schema:ID -->}; {@link #update}
 * rewrites what stands there, so the documented names, ranges and defaults are the ones the loader
 * enforces.
 */
public final class ConfigReference {
  private ConfigReference() {}

  /** One section as a Markdown table: key, type and range, default, meaning. */
  public static String table(Section section) {
    StringBuilder out = new StringBuilder();
    out.append("| Key | Type | Default | Meaning |\n|---|---|---|---|\n");
    for (Key key : section.keys()) {
      out.append("| `")
          .append(key.name())
          .append("` | ")
          .append(key.type())
          .append(" | ")
          .append(key.defaultText())
          .append(" | ")
          .append(key.doc())
          .append(" |\n");
    }
    return out.toString();
  }

  /**
   * The document with every section's table regenerated between its markers.
   *
   * @throws IllegalArgumentException when a section's markers are missing: its keys would be
   *     undocumented
   */
  public static String update(String document) {
    String result = document;
    for (Section section : ConfigSchema.SECTIONS) {
      String begin = "<!-- schema:" + section.id() + " -->";
      String end = "<!-- /schema:" + section.id() + " -->";
      Matcher m =
          Pattern.compile(Pattern.quote(begin) + "\\n.*?" + Pattern.quote(end), Pattern.DOTALL)
              .matcher(result);
      if (!m.find()) {
        throw new IllegalArgumentException(
            "no " + begin + " ... " + end + " markers for the keys of " + section.id());
      }
      result =
          result.substring(0, m.start())
              + begin
              + "\n"
              + table(section)
              + end
              + result.substring(m.end());
    }
    return result;
  }
}
