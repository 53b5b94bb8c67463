package io.sockmapd.config.schema;

/**
 * One key of the configuration file, described once: its JSON name, the kind and range of value it
 * takes, its default and a one-line description. The loader reads the key through this descriptor
 * (so the range it enforces is the one documented), the importer writes it under {@link #name()},
 * and {@link ConfigReference} renders it into the reference tables of {@code
 * docs/configuration.md}.
 */
public sealed interface Key
    permits WholeNumberKey, DurationKey, FlagKey, TextKey, ListKey, ObjectKey {

  /** The JSON member name, snake_case, Postfix's parameter name where Postfix has one. */
  String name();

  /** What kind of value the key takes, with its range, as the reference shows it (Markdown). */
  String type();

  /** The default as the reference shows it: a value, {@code required}, or words (Markdown). */
  String defaultText();

  /** What the key does, in one line of Markdown. */
  String doc();
}
