package io.sockmapd.config.schema;

/** The keys of one element of a policy's {@code rules}. */
public final class PolicyRuleKeys {
  public static final Section SECTION = new Section("policy-rule");

  public static final TextKey DATABASE =
      SECTION.text(
          "database",
          "database name",
          "required",
          "the configured database the rule asks: a SQL database runs `query`, an http database"
              + " is sent the request (`url_path`)");
  public static final TextKey QUERY =
      SECTION.text(
          "query",
          "SQL with `:attribute` parameters",
          "required on a SQL database",
          "the statement; `:sender`, `:recipient`, `:client_address` ... (any attribute name) are"
              + " bind parameters holding that attribute of the request as text. The first column"
              + " of the first row is the action; no row, NULL or an empty value goes on to the"
              + " next rule");

  public static final TextKey URL_PATH =
      SECTION.text(
          "url_path",
          "URL path",
          "none",
          "http only, instead of `query`: appended to each of the database's `urls`. The request's"
              + " attributes are POSTed there as a form (`application/x-www-form-urlencoded`, every"
              + " attribute Postfix sent), postfix-rest-connector's policy request. A `200` answers"
              + " with its body, the action as text; an empty body or a `404` goes on to the next"
              + " rule; any other status, a timeout or an unreachable node is a failure"
              + " (`on_error`)");

  private PolicyRuleKeys() {}
}
