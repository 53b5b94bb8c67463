package io.sockmapd.config.importer;

import io.sockmapd.config.DatabaseType;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One table file being converted: its engine and parameters, which of them were read (the rest are
 * reported as unknown), and its problems, each named after the file.
 */
final class TableFile {
  final String label;
  final Path file;
  final DatabaseType type;
  private final Map<String, String> parameters;
  private final Set<String> used = new HashSet<>();
  private final ImportProblems problems;

  TableFile(
      String label,
      Path file,
      DatabaseType type,
      Map<String, String> parameters,
      ImportProblems problems) {
    this.label = label;
    this.file = file;
    this.type = type;
    this.parameters = parameters;
    this.problems = problems;
  }

  void warn(String message) {
    problems.warnings.add(label + ": " + message);
  }

  void error(String message) {
    problems.errors.add(label + ": " + message);
  }

  int errorCount() {
    return problems.errors.size();
  }

  /** A parameter's value, marking it as understood. */
  @Nullable String get(String name) {
    used.add(name);
    return parameters.get(name);
  }

  /** Warns of every parameter nothing read: the table types don't know it. */
  void warnUnused() {
    for (String name : parameters.keySet()) {
      if (!used.contains(name)) {
        warn(
            "parameter "
                + name
                + " is unknown to "
                + TableEngines.postfixType(type)
                + "_table(5); ignored");
      }
    }
  }
}
