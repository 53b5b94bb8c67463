package io.sockmapd.config.schema;

/**
 * A key holding a JSON object (a nested section, or named sections) or a list of objects.
 *
 * @param type what the object holds, as documented (Markdown)
 * @param defaultText the default as documented
 */
public record ObjectKey(String name, String type, String defaultText, String doc) implements Key {}
