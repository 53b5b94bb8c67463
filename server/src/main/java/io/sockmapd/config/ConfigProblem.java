package io.sockmapd.config;

/**
 * One thing wrong with a configuration file.
 *
 * @param path where, as a JSON path such as {@code $.databases.main.hosts[1]}
 * @param message what is wrong, in words an administrator can act on
 */
public record ConfigProblem(String path, String message) {
  @Override
  public String toString() {
    return path + ": " + message;
  }
}
