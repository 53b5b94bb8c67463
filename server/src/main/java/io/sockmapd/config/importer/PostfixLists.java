package io.sockmapd.config.importer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The small text forms of Postfix configuration the importer reads and writes. */
final class PostfixLists {
  private static final Pattern LIST_ITEM = Pattern.compile("[^\\s,]+");

  private PostfixLists() {}

  /** The items of a Postfix list: separated by whitespace and/or commas. */
  static List<String> words(String text) {
    List<String> items = new ArrayList<>();
    Matcher m = LIST_ITEM.matcher(text);
    while (m.find()) {
      items.add(m.group());
    }
    return items;
  }

  /** A file's name without its extension: {@code /x/aliases.cf} → {@code aliases}. */
  static String baseName(Path path) {
    String name = path.getFileName() == null ? "" : path.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot > 0 ? name.substring(0, dot) : name;
  }

  /** {@code text} as one word for a POSIX shell. */
  static String shellQuote(String text) {
    return "'" + text.replace("'", "'\\''") + "'";
  }
}
