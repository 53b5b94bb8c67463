package io.sockmapd.config;

import io.sockmapd.codec.PolicyAction;
import java.util.List;

/**
 * One named SMTPD access policy: rules asked in order, the first action found answers.
 *
 * @param name the name a {@code "protocol": "policy"} listener refers to
 * @param rules the rules, in the order they are asked
 * @param onError the action sent when a rule fails (database down, deadline, invalid action)
 */
public record PolicyConfig(String name, List<Rule> rules, PolicyAction onError) {

  /** The default {@code on_error}: Postfix defers the mail unless another restriction rejects. */
  public static final PolicyAction DEFAULT_ON_ERROR =
      PolicyAction.parse(io.sockmapd.config.schema.PolicyKeys.ON_ERROR.defaultValue());

  public PolicyConfig {
    rules = List.copyOf(rules);
  }

  /** One rule: what it asks of one configured database. */
  public sealed interface Rule permits SqlRule, HttpRule {
    /** The configured database the rule asks. */
    String database();
  }

  /**
   * A rule that runs a query.
   *
   * @param database the configured SQL database the query runs on
   * @param query SQL with {@code :attribute} parameters
   */
  public record SqlRule(String database, String query) implements Rule {}

  /**
   * A rule that sends the request to an {@code http} database: {@code POST <base URL><path>} with
   * the attributes as a form, postfix-rest-connector's policy request.
   *
   * @param database the configured http database
   * @param path appended to each base URL ({@code ""} for the base URL itself)
   */
  public record HttpRule(String database, String path) implements Rule {}
}
