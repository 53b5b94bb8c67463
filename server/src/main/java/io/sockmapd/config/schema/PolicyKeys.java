package io.sockmapd.config.schema;

/** The keys of one named policy under {@code policies} (SMTPD policy delegation). */
public final class PolicyKeys {
  public static final Section SECTION = new Section("policy");

  public static final ObjectKey RULES =
      SECTION.object(
          "rules",
          "list of rules",
          "required",
          "the rules in the order they are asked; the first that gives an action answers (see"
              + " [Policies](#policies-smtpd-policy-delegation))");
  public static final TextKey ON_ERROR =
      SECTION.text(
          "on_error",
          "policy action",
          "DEFER_IF_PERMIT Service temporarily unavailable",
          "`DEFER_IF_PERMIT Service temporarily unavailable`",
          "the action sent when a rule's database fails, misses its deadline or answers an"
              + " invalid action");

  private PolicyKeys() {}
}
