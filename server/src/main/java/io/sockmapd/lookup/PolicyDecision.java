package io.sockmapd.lookup;

import io.sockmapd.codec.PolicyAction;

/**
 * What a policy answered, and why.
 *
 * @param action the action sent to Postfix
 * @param outcome how the action was reached, for metrics and logs
 */
public record PolicyDecision(PolicyAction action, Outcome outcome) {

  /** How a policy reached its action. */
  public enum Outcome {
    /** A rule gave the action. */
    MATCHED,
    /** No rule gave one: {@code DUNNO}. */
    NO_MATCH,
    /** A rule failed (backend down, deadline, invalid action): the policy's {@code on_error}. */
    FAILED;

    /** The metric label. */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
