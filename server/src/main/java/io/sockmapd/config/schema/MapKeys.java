package io.sockmapd.config.schema;

/**
 * The keys of one map under {@code maps} besides its table's ({@link TableKeys}): how the key is
 * turned into the forms that are asked, and the cache. In a table list they belong to the whole
 * list, because Postfix derives the key forms once and asks every table for each.
 */
public final class MapKeys {
  public static final Section SECTION = new Section("maps");

  public static final FlagKey FOLD_CASE =
      SECTION.flag(
          "fold_case",
          true,
          "case-fold the key first, as Postfix's SQL tables do (how: `smtputf8_enable`, below)");
  public static final FlagKey SMTPUTF8_ENABLE =
      SECTION.flag(
          "smtputf8_enable",
          true,
          "the top-level `smtputf8_enable`, else `true`",
          "the `smtputf8_enable` of the Postfix that asks (below)");
  public static final TextKey RECIPIENT_DELIMITER =
      SECTION.text(
          "recipient_delimiter",
          "characters",
          "none",
          "characters that start an address extension, e.g. `+` or `+-`");
  public static final ListKey FALLBACK_KEYS =
      SECTION.list(
          "fallback_keys",
          "list of `\"user@domain\"`, `\"user\"`, `\"@domain\"`",
          "none",
          "opt-in extra key forms (see **Fallback keys** below)");
  public static final ObjectKey CACHE =
      SECTION.object(
          "cache", "object", "none (not cached)", "the map's cache (see [Caching](#caching))");
  public static final ObjectKey QUERIES =
      SECTION.object(
          "queries",
          "list of objects with the table keys above",
          "none",
          "makes the map a Postfix table list (see **Table lists** below)");

  private MapKeys() {}
}
