package io.sockmapd.config;

import java.util.regex.Pattern;

/** JSON paths as config problems show them: {@code $.databases.main}, {@code $.maps['a b']}. */
public final class JsonPaths {
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private JsonPaths() {}

  /**
   * The path of member {@code name} of the object at {@code parent}: dotted when the name is a
   * plain identifier, bracketed and quoted otherwise (a database named {@code my db:1}).
   */
  public static String member(String parent, String name) {
    return PLAIN.matcher(name).matches()
        ? parent + "." + name
        : parent + "['" + name.replace("\\", "\\\\").replace("'", "\\'") + "']";
  }
}
