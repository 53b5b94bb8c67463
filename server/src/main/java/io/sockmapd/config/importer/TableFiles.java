package io.sockmapd.config.importer;

import io.sockmapd.config.DatabaseType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Opens the table file an argument names ({@code [proxy:][pgsql:|mysql:|sqlite:]FILE.cf}): reads
 * its parameters and settles its engine from the prefix, else the default type given, else its
 * contents ({@link TableEngines#guess}).
 */
final class TableFiles {
  private static final Pattern TYPE_PREFIX = Pattern.compile("([a-z]+):(.*)", Pattern.DOTALL);

  private final ImportProblems problems;

  TableFiles(ImportProblems problems) {
    this.problems = problems;
  }

  /** A file in main.cf syntax, its problems named after {@code label}; null when unreadable. */
  @Nullable Map<String, String> readCf(String label, Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      problems.errors.add(label + ": cannot read: no such file");
      return null;
    } catch (IOException e) {
      problems.errors.add(label + ": cannot read: " + e.getMessage());
      return null;
    }
    int before = problems.errors.size();
    Map<String, String> parameters =
        PostfixConfigFile.parse(
            lines,
            w -> problems.warnings.add(label + ", " + w),
            e -> problems.errors.add(label + ", " + e));
    return problems.errors.size() > before ? null : parameters;
  }

  /** The table file an argument names, read; null (with an error) when it can't be. */
  @Nullable TableFile open(String argument, @Nullable DatabaseType defaultType) {
    String rest = argument;
    DatabaseType prefixType = null;
    Matcher m = TYPE_PREFIX.matcher(rest);
    if (m.matches() && "proxy".equals(m.group(1))) {
      problems.warnings.add(
          argument + ": \"proxy:\" dropped; a socketmap table needs no proxymap(8) in front");
      rest = m.group(2);
      m = TYPE_PREFIX.matcher(rest);
    }
    if (m.matches()) {
      prefixType = TableEngines.typeOf(m.group(1));
      if (prefixType == null) {
        problems.errors.add(
            argument + ": not an SQL table (pgsql:, mysql: or sqlite:): " + m.group(1) + ":");
        return null;
      }
      rest = m.group(2);
    }
    Path file = Path.of(rest);
    String label = file.toString();
    Map<String, String> parameters = readCf(label, file);
    if (parameters == null) {
      return null;
    }
    DatabaseType type = prefixType != null ? prefixType : defaultType;
    if (type == null) {
      type = TableEngines.guess(parameters);
      if (type == null) {
        problems.errors.add(
            label
                + ": cannot tell pgsql from mysql by its contents: write pgsql:"
                + label
                + " or mysql:"
                + label
                + ", or give the type (--type)");
        return null;
      }
    }
    return new TableFile(label, file, type, parameters, problems);
  }
}
