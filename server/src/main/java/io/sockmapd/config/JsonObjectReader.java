package io.sockmapd.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Reads one JSON object of the config, remembering its JSON path, collecting every problem instead
 * of stopping at the first, and reporting keys nobody asked for (a misspelt key must not silently
 * fall back to a default).
 */
final class JsonObjectReader {
  private final JsonNode node;
  private final String path;
  private final List<ConfigProblem> problems;
  private final Set<String> seen = new LinkedHashSet<>();

  JsonObjectReader(JsonNode node, String path, List<ConfigProblem> problems) {
    this.node = node;
    this.path = path;
    this.problems = problems;
  }

  String path() {
    return path;
  }

  /** How many problems the whole config has so far (shared by every reader of one file). */
  int problemCount() {
    return problems.size();
  }

  String pathOf(String key) {
    return key.matches("[A-Za-z_][A-Za-z0-9_]*") ? path + "." + key : path + "['" + key + "']";
  }

  void problem(String key, String message) {
    problems.add(new ConfigProblem(pathOf(key), message));
  }

  boolean has(String key) {
    seen.add(key);
    JsonNode value = node.get(key);
    return value != null && !value.isNull();
  }

  @Nullable
  private JsonNode get(String key) {
    seen.add(key);
    JsonNode value = node.get(key);
    return value == null || value.isNull() ? null : value;
  }

  String string(String key, String defaultValue) {
    JsonNode value = get(key);
    if (value == null) {
      return defaultValue;
    }
    if (!value.isTextual()) {
      problem(key, "must be a string, got " + describe(value));
      return defaultValue;
    }
    return value.textValue();
  }

  /** A required non-empty string; reports a problem and returns "" when missing. */
  String requiredString(String key) {
    if (get(key) == null) {
      problem(key, "is required");
      return "";
    }
    String value = string(key, "");
    if (value.isEmpty() && node.get(key).isTextual()) {
      problem(key, "must not be empty");
    }
    return value;
  }

  int integer(String key, int defaultValue, int min, int max) {
    JsonNode value = get(key);
    if (value == null) {
      return defaultValue;
    }
    if (!value.canConvertToInt() || !value.isIntegralNumber()) {
      problem(
          key, "must be a whole number from " + min + " to " + max + ", got " + describe(value));
      return defaultValue;
    }
    int result = value.intValue();
    if (result < min || result > max) {
      problem(key, "must be from " + min + " to " + max + ", got " + result);
      return defaultValue;
    }
    return result;
  }

  boolean bool(String key, boolean defaultValue) {
    JsonNode value = get(key);
    if (value == null) {
      return defaultValue;
    }
    if (!value.isBoolean()) {
      problem(key, "must be true or false, got " + describe(value));
      return defaultValue;
    }
    return value.booleanValue();
  }

  /**
   * A duration: a number of seconds, or a string with a unit as Postfix writes time values ({@code
   * 500ms}, {@code 5s}, {@code 2m}, {@code 1h}, {@code 1d}).
   */
  Duration duration(String key, Duration defaultValue, Duration min) {
    JsonNode value = get(key);
    if (value == null) {
      return defaultValue;
    }
    Duration result = null;
    if (value.isIntegralNumber() && value.canConvertToLong()) {
      result = Duration.ofSeconds(value.longValue());
    } else if (value.isTextual()) {
      result = Durations.parse(value.textValue());
    }
    if (result == null) {
      problem(
          key, "must be a duration such as 30, \"500ms\", \"30s\", \"5m\", got " + describe(value));
      return defaultValue;
    }
    if (result.compareTo(min) < 0) {
      problem(key, "must be at least " + Durations.format(min) + ", got " + describe(value));
      return defaultValue;
    }
    return result;
  }

  /** A list of strings; a single string is accepted as a list of one. */
  List<String> stringList(String key) {
    JsonNode value = get(key);
    List<String> result = new ArrayList<>();
    if (value == null) {
      return result;
    }
    if (value.isTextual()) {
      result.add(value.textValue());
      return result;
    }
    if (!value.isArray()) {
      problem(key, "must be a list of strings, got " + describe(value));
      return result;
    }
    for (int i = 0; i < value.size(); i++) {
      JsonNode element = value.get(i);
      if (element.isTextual()) {
        result.add(element.textValue());
      } else {
        problems.add(
            new ConfigProblem(
                pathOf(key) + "[" + i + "]", "must be a string, got " + describe(element)));
      }
    }
    return result;
  }

  /** Parses each element of a string list, reporting bad ones with their index. */
  <T> List<T> parsedList(String key, Function<String, T> parser) {
    List<T> result = new ArrayList<>();
    List<String> texts = stringList(key);
    for (int i = 0; i < texts.size(); i++) {
      try {
        result.add(parser.apply(texts.get(i)));
      } catch (IllegalArgumentException e) {
        problems.add(new ConfigProblem(pathOf(key) + "[" + i + "]", e.getMessage()));
      }
    }
    return result;
  }

  /** A nested object, or null (with a problem) when the value is not an object. */
  @Nullable JsonObjectReader object(String key) {
    JsonNode value = get(key);
    if (value == null) {
      return null;
    }
    if (!value.isObject()) {
      problem(key, "must be an object, got " + describe(value));
      return null;
    }
    return new JsonObjectReader(value, pathOf(key), problems);
  }

  /** Every member of a nested object of objects, by member name, in file order. */
  Map<String, JsonObjectReader> objectsByName(String key) {
    Map<String, JsonObjectReader> result = new java.util.LinkedHashMap<>();
    JsonObjectReader container = object(key);
    if (container == null) {
      return result;
    }
    for (Map.Entry<String, JsonNode> field : container.node.properties()) {
      JsonObjectReader member = container.object(field.getKey());
      if (member != null) {
        result.put(field.getKey(), member);
      }
    }
    return result;
  }

  /** Reports every key of this object that no reader call asked for. Call last. */
  void rejectUnknownKeys() {
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!seen.contains(name)) {
        problem(name, "unknown key");
      }
    }
  }

  static String describe(JsonNode value) {
    String text = value.toString();
    return text.length() > 60 ? text.substring(0, 57) + "..." : text;
  }
}
