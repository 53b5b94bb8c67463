package io.sockmapd.config.schema;

/**
 * A key taking a string (a name, a path, SQL, an endpoint, one of a few words).
 *
 * @param type what the string holds, as documented (Markdown)
 * @param defaultValue the value when the key is absent; empty for none
 * @param defaultText the default as documented
 */
public record TextKey(String name, String type, String defaultValue, String defaultText, String doc)
    implements Key {}
