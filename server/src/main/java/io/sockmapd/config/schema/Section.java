package io.sockmapd.config.schema;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The keys of one JSON object of the configuration (the top level, {@code limits}, one database,
 * one map, one table of a table list, one cache). A key declared through a section's factory
 * methods is part of it from then on: read by the loader, listed in the reference, so adding a key
 * is one declaration.
 */
public final class Section {
  private final String id;
  private final List<Key> keys = new ArrayList<>();

  /**
   * @param id names the section's table in {@code docs/configuration.md} (its marker comments)
   */
  Section(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  /** The keys in the order the reference lists them. */
  public List<Key> keys() {
    return Collections.unmodifiableList(keys);
  }

  public Optional<Key> key(String name) {
    return keys.stream().filter(k -> k.name().equals(name)).findFirst();
  }

  /** A whole number whose default is the value shown. */
  WholeNumberKey wholeNumber(String name, int defaultValue, int min, int max, String doc) {
    return wholeNumber(name, defaultValue, min, max, "`" + defaultValue + "`", doc);
  }

  WholeNumberKey wholeNumber(
      String name, int defaultValue, int min, int max, String defaultText, String doc) {
    return add(new WholeNumberKey(name, defaultValue, min, max, defaultText, doc));
  }

  DurationKey duration(String name, Duration defaultValue, Duration min, Duration max, String doc) {
    return duration(name, defaultValue, min, max, "", doc);
  }

  DurationKey duration(
      String name,
      Duration defaultValue,
      Duration min,
      Duration max,
      String defaultText,
      String doc) {
    return add(new DurationKey(name, defaultValue, min, max, defaultText, doc));
  }

  FlagKey flag(String name, boolean defaultValue, String doc) {
    return flag(name, defaultValue, "", doc);
  }

  FlagKey flag(String name, boolean defaultValue, String defaultText, String doc) {
    return add(new FlagKey(name, defaultValue, defaultText, doc));
  }

  TextKey text(String name, String type, String defaultText, String doc) {
    return text(name, type, "", defaultText, doc);
  }

  TextKey text(String name, String type, String defaultValue, String defaultText, String doc) {
    return add(new TextKey(name, type, defaultValue, defaultText, doc));
  }

  ListKey list(String name, String type, String defaultText, String doc) {
    return add(new ListKey(name, type, defaultText, doc));
  }

  ObjectKey object(String name, String type, String defaultText, String doc) {
    return add(new ObjectKey(name, type, defaultText, doc));
  }

  private <K extends Key> K add(K key) {
    if (key(key.name()).isPresent()) {
      throw new IllegalStateException(id + ": key " + key.name() + " declared twice");
    }
    keys.add(key);
    return key;
  }
}
