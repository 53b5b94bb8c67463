package io.sockmapd.config.schema;

/** The keys of one element of a policy's {@code rules}. */
public final class PolicyRuleKeys {
  public static final Section SECTION = new Section("policy-rule");

  public static final TextKey DATABASE =
      SECTION.text(
          "database",
          "database name",
          "required",
          "the configured database the rule's query runs on");
  public static final TextKey QUERY =
      SECTION.text(
          "query",
          "SQL with `:attribute` parameters",
          "required",
          "the statement; `:sender`, `:recipient`, `:client_address` ... (any attribute name) are"
              + " bind parameters holding that attribute of the request as text. The first column"
              + " of the first row is the action; no row, NULL or an empty value goes on to the"
              + " next rule");

  private PolicyRuleKeys() {}
}
