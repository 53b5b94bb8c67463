package io.sockmapd.config.schema;

/**
 * The keys of one table: what to query and how to shape the answer. A map of one query has them at
 * its own level; a table list ({@code queries}) has them in each element, and then not at the map's
 * level.
 */
public final class TableKeys {
  public static final Section SECTION = new Section("tables");

  public static final TextKey DATABASE =
      SECTION.text("database", "string", "required", "a name under `databases`");
  public static final TextKey QUERY =
      SECTION.text(
          "query",
          "SQL",
          "required (or `table`)",
          "SQL with expansions (see [Expansions](#maps-one-query-each))");
  public static final TextKey TABLE =
      SECTION.text(
          "table",
          "table name",
          "none",
          "instead of `query`: `SELECT value FROM table WHERE key = '%s'` is built from `table`,"
              + " `key` and `value` (see [Migrating to sockmapd](migration.md))");
  public static final TextKey KEY =
      SECTION.text(
          "key", "column name", "required with `table`", "the column compared with the key");
  public static final TextKey VALUE =
      SECTION.text(
          "value",
          "column name",
          "the `key` column",
          "the column answered; without it, the key column itself answers (a presence check)");
  public static final TextKey REASON =
      SECTION.text(
          "reason",
          "column name",
          "none",
          "with `value`: a column appended to the value after a space when not empty");
  public static final TextKey RESULT_FORMAT =
      SECTION.text(
          "result_format",
          "format",
          "%s",
          "`%s`",
          "applied to every value: `%s` the value, `%u`/`%d` its local part / domain, `%S %U %D"
              + " %1..%9` parts of the key, `%%` a `%`. A value for which a used part does not"
              + " exist is skipped");
  public static final ListKey DOMAIN =
      SECTION.list(
          "domain",
          "list of domains",
          "none",
          "only `localpart@domain` keys with a non-empty local part and a listed domain (compared"
              + " case-insensitively, exact match) are queried. `user` and `@domain` are never"
              + " queried");
  public static final WholeNumberKey EXPANSION_LIMIT =
      SECTION.wholeNumber(
          "expansion_limit",
          0,
          0,
          Integer.MAX_VALUE,
          "`0` (none)",
          "more values than this → `TEMP expansion limit exceeded`");

  public static final TextKey URL_PATH =
      SECTION.text(
          "url_path",
          "URL path",
          "none",
          "http only, instead of `query`: appended to each of the database's `urls`");
  public static final TextKey HTTP_PARAMETERS =
      SECTION.text(
          "http_parameters",
          "`name_and_key` \\| `key`",
          "name_and_key",
          "`name_and_key`",
          "http only: `?name=MAP&key=KEY` (postfix-rest-connector's socketmap request) or"
              + " `?key=KEY` (its tcp request)");
  public static final TextKey VALUE_SEPARATOR =
      SECTION.text(
          "value_separator",
          "string",
          ",",
          "`,`",
          "http only: joins the strings of a JSON array answer");

  private TableKeys() {}
}
