package io.sockmapd.config.schema;

/**
 * A key taking a list of strings (a single string counts as a list of one).
 *
 * @param type what the elements are, as documented (Markdown)
 * @param defaultText the default as documented
 */
public record ListKey(String name, String type, String defaultText, String doc) implements Key {}
