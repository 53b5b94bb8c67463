package io.sockmapd.config.importer;

import java.util.Locale;
import java.util.Map;

/** Postfix's {@code smtputf8_enable} as a main.cf sets it, which decides how keys are folded. */
final class Smtputf8Setting {
  private Smtputf8Setting() {}

  /**
   * Its default is {@code no} below {@code compatibility_level} 1 (also when the level is not set),
   * {@code yes} from 1 on; a value that is neither is warned about and taken as {@code yes}.
   */
  static boolean of(String label, Map<String, String> main, ImportProblems problems) {
    String value = main.get("smtputf8_enable");
    if (value == null) {
      String level = main.getOrDefault("compatibility_level", "0").strip();
      if (!level.matches("[0-9]+(\\.[0-9]+)*")) {
        problems.warnings.add(
            label
                + ": compatibility_level = "
                + level
                + " is not a plain number: assuming smtputf8_enable = yes (check it with"
                + " postconf smtputf8_enable)");
        return true;
      }
      return !level.startsWith("0");
    }
    switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "yes", "true" -> {
        return true;
      }
      case "no", "false" -> {
        return false;
      }
      default -> {
        problems.warnings.add(
            label
                + ": smtputf8_enable = "
                + value
                + " is not yes or no: assuming yes (check it with postconf smtputf8_enable)");
        return true;
      }
    }
  }
}
