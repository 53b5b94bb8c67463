package io.sockmapd.config;

import java.util.List;
import java.util.stream.Collectors;

/** A configuration that can't be used, with every problem found (not just the first). */
public final class ConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  private final List<ConfigProblem> problems;

  public ConfigException(String source, List<ConfigProblem> problems) {
    super(
        source
            + ": "
            + problems.size()
            + (problems.size() == 1 ? " problem" : " problems")
            + problems.stream().map(p -> "\n  " + p).collect(Collectors.joining()));
    this.problems = List.copyOf(problems);
  }

  public ConfigException(String source, String message) {
    this(source, List.of(new ConfigProblem("$", message)));
  }

  public List<ConfigProblem> problems() {
    return problems;
  }
}
