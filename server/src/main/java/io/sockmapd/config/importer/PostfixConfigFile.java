package io.sockmapd.config.importer;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads a file in Postfix's {@code main.cf} syntax, as the {@code .cf} files of {@code pgsql:},
 * {@code mysql:} and {@code sqlite:} tables are written (postconf(5), Postfix's {@code
 * readllines()}): {@code name = value} per logical line; a line starting with whitespace continues
 * the previous one (joined without the line break, its leading whitespace kept); empty lines,
 * whitespace-only lines and lines whose first non-blank character is {@code #} are ignored, also
 * between continuation lines. A {@code #} after other text is part of the value. No {@code $name}
 * expansion: table files don't have it.
 */
final class PostfixConfigFile {
  private PostfixConfigFile() {}

  /**
   * The parameters of a file, in file order; a repeated name keeps its last value, as Postfix does.
   *
   * @param lines the file's physical lines
   * @param warnings told of text Postfix would also ignore, and of repeated names
   * @param errors told of lines Postfix refuses (no {@code =}, empty name)
   */
  static Map<String, String> parse(
      List<String> lines, Consumer<String> warnings, Consumer<String> errors) {
    Map<String, String> parameters = new LinkedHashMap<>();
    StringBuilder logical = null;
    int first = 0;
    for (int i = 0; i <= lines.size(); i++) {
      String line = i < lines.size() ? lines.get(i) : null;
      if (line != null) {
        String trimmed = line.strip();
        if (trimmed.isEmpty() || trimmed.startsWith("#")) {
          continue;
        }
        if (Character.isWhitespace(line.charAt(0))) {
          if (logical == null) {
            warnings.accept(
                "line " + (i + 1) + ": ignored: a logical line must not start with whitespace");
          } else {
            logical.append(line);
          }
          continue;
        }
      }
      if (logical != null) {
        store(logical.toString(), first, parameters, warnings, errors);
      }
      logical = line == null ? null : new StringBuilder(line);
      first = i + 1;
    }
    return parameters;
  }

  private static void store(
      String text,
      int lineNumber,
      Map<String, String> parameters,
      Consumer<String> warnings,
      Consumer<String> errors) {
    int eq = text.indexOf('=');
    String name = eq < 0 ? "" : text.substring(0, eq).strip();
    if (eq < 0 || name.isEmpty()) {
      errors.accept("line " + lineNumber + ": expected \"name = value\"");
      return;
    }
    if (parameters.containsKey(name)) {
      warnings.accept("line " + lineNumber + ": " + name + " is set again; the last value is used");
      parameters.remove(name);
    }
    parameters.put(name, text.substring(eq + 1).strip());
  }
}
