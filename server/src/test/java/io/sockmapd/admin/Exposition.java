package io.sockmapd.admin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A scrape in Prometheus's text format, parsed the way Prometheus reads it: {@code # HELP} and
 * {@code # TYPE} lines, then one sample a line, {@code name{label="value",...} number}. Fails on a
 * line that is neither, so a broken exposition fails the test that reads it.
 */
final class Exposition {
  /** One sample: name, labels (sorted), value. */
  record Sample(String name, Map<String, String> labels, double value) {}

  private final List<Sample> samples;
  private final Map<String, String> types;

  private Exposition(List<Sample> samples, Map<String, String> types) {
    this.samples = samples;
    this.types = types;
  }

  static Exposition parse(String text) {
    List<Sample> samples = new ArrayList<>();
    Map<String, String> types = new LinkedHashMap<>();
    for (String line : text.split("\n", -1)) {
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("# TYPE ")) {
        String[] parts = line.split(" ", -1);
        types.put(parts[2], parts[3]);
        continue;
      }
      if (line.startsWith("#")) {
        continue;
      }
      samples.add(sample(line));
    }
    return new Exposition(samples, types);
  }

  private static Sample sample(String line) {
    int i = 0;
    while (i < line.length() && isNameChar(line.charAt(i), i == 0)) {
      i++;
    }
    if (i == 0) {
      throw new IllegalArgumentException("no metric name: " + line);
    }
    String name = line.substring(0, i);
    Map<String, String> labels = new TreeMap<>();
    if (i < line.length() && line.charAt(i) == '{') {
      i++;
      while (line.charAt(i) != '}') {
        int eq = line.indexOf('=', i);
        String label = line.substring(i, eq);
        if (line.charAt(eq + 1) != '"') {
          throw new IllegalArgumentException("label value not quoted: " + line);
        }
        StringBuilder value = new StringBuilder();
        int j = eq + 2;
        while (line.charAt(j) != '"') {
          char c = line.charAt(j);
          if (c == '\\') {
            char escaped = line.charAt(++j);
            value.append(escaped == 'n' ? '\n' : escaped);
          } else {
            value.append(c);
          }
          j++;
        }
        labels.put(label, value.toString());
        i = j + 1;
        if (line.charAt(i) == ',') {
          i++;
        }
      }
      i++;
    }
    if (line.charAt(i) != ' ') {
      throw new IllegalArgumentException("expected a space before the value: " + line);
    }
    String[] rest = line.substring(i + 1).split(" ", -1);
    double value =
        switch (rest[0]) {
          case "+Inf" -> Double.POSITIVE_INFINITY;
          case "-Inf" -> Double.NEGATIVE_INFINITY;
          case "NaN" -> Double.NaN;
          default -> Double.parseDouble(rest[0]);
        };
    return new Sample(name, labels, value);
  }

  private static boolean isNameChar(char c, boolean first) {
    return c == '_' || c == ':' || Character.isLetter(c) || (!first && Character.isDigit(c));
  }

  /** Every sample name in the scrape (with the _total, _bucket, _count, _sum suffixes). */
  Set<String> names() {
    Set<String> names = new LinkedHashSet<>();
    samples.forEach(s -> names.add(s.name()));
    return names;
  }

  String type(String family) {
    return types.get(family);
  }

  /** The value of the one sample with this name and these labels (others may exist); 0 if none. */
  double value(String name, String... labelPairs) {
    double total = 0;
    boolean found = false;
    for (Sample sample : samples) {
      if (sample.name().equals(name) && matches(sample.labels(), labelPairs)) {
        if (found) {
          throw new IllegalStateException("more than one sample " + name + " " + sample.labels());
        }
        found = true;
        total = sample.value();
      }
    }
    return total;
  }

  /** Whether a sample with this name and (at least) these labels exists. */
  boolean has(String name, String... labelPairs) {
    return samples.stream().anyMatch(s -> s.name().equals(name) && matches(s.labels(), labelPairs));
  }

  private static boolean matches(Map<String, String> labels, String... pairs) {
    for (int i = 0; i < pairs.length; i += 2) {
      if (!pairs[i + 1].equals(labels.get(pairs[i]))) {
        return false;
      }
    }
    return true;
  }
}
