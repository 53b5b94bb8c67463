package io.sockmapd.config.importer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The parameters a Postfix configuration sets: main.cf's, and master.cf's per-service {@code -o}
 * overrides. Read through {@code postconf -n} and {@code postconf -P} when Postfix is installed (so
 * Postfix's own parser decides), otherwise by this class: main.cf with {@link PostfixConfigFile},
 * master.cf's {@code -o name=value} options of each service. Values are expanded as Postfix does
 * ({@code $name}, {@code ${name}}, {@code $(name)}) against the parameters set.
 *
 * @param main main.cf's parameters, as written (not yet expanded)
 * @param overrides master.cf overrides, by {@code service/type/name}, as {@code postconf -P} names
 *     them
 */
record PostfixMainConfig(Map<String, String> main, Map<String, String> overrides) {
  private static final Pattern REFERENCE =
      Pattern.compile("\\$(?:\\{([A-Za-z0-9_]+)\\}|\\(([A-Za-z0-9_]+)\\)|([A-Za-z0-9_]+))");

  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  /** Postfix's own parser; absent on a host without Postfix. */
  static final Path POSTCONF = Path.of("/usr/sbin/postconf");

  /** How deep {@code $name} references may nest: a loop is reported, not followed forever. */
  private static final int MAX_DEPTH = 20;

  PostfixMainConfig {
    // In file order: maps and postconf commands come out in the order main.cf has them.
    main = Collections.unmodifiableMap(new LinkedHashMap<>(main));
    overrides = Collections.unmodifiableMap(new LinkedHashMap<>(overrides));
  }

  /**
   * Reads the configuration in main.cf's folder.
   *
   * @param usePostconf ask {@code postconf} (when installed) rather than this class's reader
   */
  static @Nullable PostfixMainConfig read(
      Path mainCf, boolean usePostconf, Consumer<String> warnings, Consumer<String> errors) {
    Path folder = mainCf.toAbsolutePath().getParent();
    if (!Files.isRegularFile(mainCf)) {
      errors.accept(mainCf + ": cannot read: no such file");
      return null;
    }
    if (usePostconf && Files.isExecutable(POSTCONF) && folder != null) {
      List<String> main = postconf(folder, "-n", errors);
      List<String> overrides =
          Files.isRegularFile(folder.resolve("master.cf"))
              ? postconf(folder, "-P", errors)
              : List.of();
      if (main == null || overrides == null) {
        return null;
      }
      return new PostfixMainConfig(assignments(main), assignments(overrides));
    }
    try {
      Map<String, String> main =
          PostfixConfigFile.parse(
              Files.readAllLines(mainCf, StandardCharsets.UTF_8),
              w -> warnings.accept(mainCf + ", " + w),
              e -> errors.accept(mainCf + ", " + e));
      Path masterCf = folder == null ? null : folder.resolve("master.cf");
      Map<String, String> overrides =
          masterCf != null && Files.isRegularFile(masterCf)
              ? masterOverrides(Files.readAllLines(masterCf, StandardCharsets.UTF_8))
              : Map.of();
      return new PostfixMainConfig(main, overrides);
    } catch (IOException e) {
      errors.accept(mainCf + ": cannot read: " + e.getMessage());
      return null;
    }
  }

  /** {@code postconf -c FOLDER OPTION}'s output lines; null (with an error) if it failed. */
  private static @Nullable List<String> postconf(
      Path folder, String option, Consumer<String> errors) {
    List<String> command = List.of(POSTCONF.toString(), "-c", folder.toString(), option);
    try {
      // Its warnings (unused parameters, ...) are not part of the answer.
      Process process =
          new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      process.getOutputStream().close();
      String output;
      try (InputStream in = process.getInputStream()) {
        output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        errors.accept(String.join(" ", command) + ": no answer within 60 s");
        return null;
      }
      if (process.exitValue() != 0) {
        errors.accept(
            String.join(" ", command)
                + " failed (exit "
                + process.exitValue()
                + "); run it to see why");
        return null;
      }
      return output.lines().toList();
    } catch (IOException e) {
      errors.accept(String.join(" ", command) + ": " + e.getMessage());
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      errors.accept(String.join(" ", command) + ": interrupted");
      return null;
    }
  }

  private static Map<String, String> assignments(List<String> lines) {
    Map<String, String> result = new LinkedHashMap<>();
    for (String line : lines) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        result.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
      }
    }
    return result;
  }

  /**
   * master.cf's {@code -o name=value} options, by {@code service/type/name}. A service entry starts
   * in the first column; lines starting with whitespace continue it; {@code #} lines are comments.
   */
  static Map<String, String> masterOverrides(List<String> lines) {
    Map<String, String> result = new LinkedHashMap<>();
    List<String> entries = new ArrayList<>();
    StringBuilder entry = null;
    for (String line : lines) {
      if (line.isBlank() || line.strip().startsWith("#")) {
        continue;
      }
      if (Character.isWhitespace(line.charAt(0)) && entry != null) {
        entry.append(' ').append(line.strip());
      } else {
        if (entry != null) {
          entries.add(entry.toString());
        }
        entry = new StringBuilder(line.strip());
      }
    }
    if (entry != null) {
      entries.add(entry.toString());
    }
    for (String text : entries) {
      String[] words = WHITESPACE.split(text, -1);
      if (words.length < 8) {
        continue;
      }
      for (int i = 8; i < words.length - 1; i++) {
        if (words[i].equals("-o")) {
          String option = words[i + 1];
          int eq = option.indexOf('=');
          if (eq > 0) {
            result.put(
                words[0] + "/" + words[1] + "/" + option.substring(0, eq),
                option.substring(eq + 1));
          }
        }
      }
    }
    return result;
  }

  /** A main.cf parameter's value, expanded; empty when not set. */
  String expanded(String name) {
    return expand(main.getOrDefault(name, ""), 0);
  }

  /** {@code value} with its {@code $name} references replaced by main.cf's values. */
  String expand(String value, int depth) {
    if (depth > MAX_DEPTH || value.indexOf('$') < 0) {
      return value;
    }
    Matcher m = REFERENCE.matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
      String replacement = expand(main.getOrDefault(name, ""), depth + 1);
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }
}
