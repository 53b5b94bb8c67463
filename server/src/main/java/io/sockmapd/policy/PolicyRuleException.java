package io.sockmapd.policy;

/** A rule's backend failed; the message says how, without any request data or secret. */
public final class PolicyRuleException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PolicyRuleException(String message) {
    super(message, null, false, false);
  }
}
