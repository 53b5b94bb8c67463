package io.sockmapd.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.sockmapd.config.schema.DurationKey;
import io.sockmapd.config.schema.FlagKey;
import io.sockmapd.config.schema.Key;
import io.sockmapd.config.schema.ListKey;
import io.sockmapd.config.schema.ObjectKey;
import io.sockmapd.config.schema.TextKey;
import io.sockmapd.config.schema.WholeNumberKey;
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
 * fall back to a default). Keys are read through their {@link io.sockmapd.config.schema}
 * descriptors only, so every key the loader accepts has its range and doc in one place.
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

  private String pathOf(String key) {
    return JsonPaths.member(path, key);
  }

  /** A problem with the value of {@code key}. */
  void problem(Key key, String message) {
    problem(key.name(), message);
  }

  /** A problem with this object as a whole (a map whose name can't be asked for). */
  void problem(String message) {
    problems.add(new ConfigProblem(path, message));
  }

  private void problem(String key, String message) {
    problems.add(new ConfigProblem(pathOf(key), message));
  }

  /** True when the key is given (and not null); marks it as known. */
  boolean has(Key key) {
    return has(key.name());
  }

  String read(TextKey key) {
    return string(key.name(), key.defaultValue());
  }

  /** A required non-empty string; reports a problem and returns "" when missing. */
  String required(TextKey key) {
    return requiredString(key.name());
  }

  /**
   * A string that must never be echoed (a password): a problem names the key and the expected type,
   * never the value.
   */
  String secret(TextKey key) {
    return secretString(key.name());
  }

  int read(WholeNumberKey key) {
    return read(key, key.defaultValue());
  }

  /** With a default computed at load time (a share of the heap). */
  int read(WholeNumberKey key, int defaultValue) {
    return integer(key.name(), defaultValue, key.min(), key.max());
  }

  boolean read(FlagKey key) {
    return read(key, key.defaultValue());
  }

  /** With a default that comes from elsewhere in the file (a top-level setting). */
  boolean read(FlagKey key, boolean defaultValue) {
    return bool(key.name(), defaultValue);
  }

  Duration read(DurationKey key) {
    return read(key, key.defaultValue());
  }

  /** With a default that comes from another key (negative_ttl follows ttl). */
  Duration read(DurationKey key, Duration defaultValue) {
    return duration(key.name(), defaultValue, key.min(), key.max());
  }

  /** A list of strings; a single string is accepted as a list of one. */
  List<String> read(ListKey key) {
    return stringList(key.name());
  }

  /** Parses each element of a string list, reporting bad ones with their index. */
  <T> List<T> parsedList(ListKey key, Function<String, T> parser) {
    return parsedList(key.name(), parser);
  }

  /** A nested object, or null (with a problem) when the value is not an object. */
  @Nullable JsonObjectReader object(ObjectKey key) {
    return object(key.name());
  }

  /** The elements of a list of objects, in order; elements that are not objects are reported. */
  List<JsonObjectReader> objectList(ObjectKey key) {
    return objectList(key.name());
  }

  /** Every member of a nested object of objects, by member name, in file order. */
  /**
   * The member names of the object under {@code key}, looked at ahead of reading it (so other keys
   * can refer to them); reports nothing, and is empty when the value is missing or no object.
   */
  Set<String> namesAhead(ObjectKey key) {
    JsonNode value = node.get(key.name());
    if (value == null || !value.isObject()) {
      return Set.of();
    }
    Set<String> names = new LinkedHashSet<>();
    value.fieldNames().forEachRemaining(names::add);
    return names;
  }

  Map<String, JsonObjectReader> objectsByName(ObjectKey key) {
    return objectsByName(key.name());
  }

  private boolean has(String key) {
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

  private String string(String key, String defaultValue) {
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

  private String requiredString(String key) {
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

  private int integer(String key, int defaultValue, int min, int max) {
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

  private boolean bool(String key, boolean defaultValue) {
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

  private String secretString(String key) {
    JsonNode value = get(key);
    if (value == null) {
      return "";
    }
    if (!value.isTextual()) {
      problem(key, "must be a string (the value is not shown)");
      return "";
    }
    return value.textValue();
  }

  /**
   * A duration: a number of seconds, or a string with a unit as Postfix writes time values ({@code
   * 500ms}, {@code 5s}, {@code 2m}, {@code 1h}, {@code 1d}), from {@code min} to {@code max}. Every
   * duration has an upper bound: the code hands durations to timers and drivers that take int
   * milliseconds or long nanoseconds, and a value past what they hold must fail {@code check}, not
   * the running daemon.
   */
  private Duration duration(String key, Duration defaultValue, Duration min, Duration max) {
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
    if (result.compareTo(max) > 0) {
      problem(key, "must be at most " + Durations.format(max) + ", got " + describe(value));
      return defaultValue;
    }
    return result;
  }

  private List<String> stringList(String key) {
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

  private <T> List<T> parsedList(String key, Function<String, T> parser) {
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

  /**
   * A list whose elements are each a string or an object (such as {@code listen}: {@code
   * "inet:..."} or {@code {"address": ...}}), in order. A string {@code fromString} rejects with an
   * {@link IllegalArgumentException}, and an element of another type, are reported with their
   * index; {@code fromObject} reports its own problems and returns null for an element it cannot
   * use.
   */
  <T> List<T> stringOrObjectList(
      ListKey key,
      Function<String, T> fromString,
      Function<JsonObjectReader, @Nullable T> fromObject) {
    JsonNode value = get(key.name());
    List<T> result = new ArrayList<>();
    if (value == null) {
      return result;
    }
    if (!value.isArray() && !value.isTextual()) {
      problem(key.name(), "must be a list, got " + describe(value));
      return result;
    }
    // A single string is a list of one, as in stringList.
    List<JsonNode> elements = new ArrayList<>();
    if (value.isArray()) {
      value.forEach(elements::add);
    } else {
      elements.add(value);
    }
    for (int i = 0; i < elements.size(); i++) {
      JsonNode element = elements.get(i);
      String elementPath =
          value.isArray() ? pathOf(key.name()) + "[" + i + "]" : pathOf(key.name());
      if (element.isTextual()) {
        try {
          result.add(fromString.apply(element.textValue()));
        } catch (IllegalArgumentException e) {
          problems.add(new ConfigProblem(elementPath, e.getMessage()));
        }
      } else if (element.isObject()) {
        T parsed = fromObject.apply(new JsonObjectReader(element, elementPath, problems));
        if (parsed != null) {
          result.add(parsed);
        }
      } else {
        problems.add(
            new ConfigProblem(
                elementPath, "must be a string or an object, got " + describe(element)));
      }
    }
    return result;
  }

  private @Nullable JsonObjectReader object(String key) {
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

  private List<JsonObjectReader> objectList(String key) {
    JsonNode value = get(key);
    List<JsonObjectReader> result = new ArrayList<>();
    if (value == null) {
      return result;
    }
    if (!value.isArray()) {
      problem(key, "must be a list of objects, got " + describe(value));
      return result;
    }
    for (int i = 0; i < value.size(); i++) {
      JsonNode element = value.get(i);
      String elementPath = pathOf(key) + "[" + i + "]";
      if (element.isObject()) {
        result.add(new JsonObjectReader(element, elementPath, problems));
      } else {
        problems.add(new ConfigProblem(elementPath, "must be an object, got " + describe(element)));
      }
    }
    return result;
  }

  private Map<String, JsonObjectReader> objectsByName(String key) {
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
