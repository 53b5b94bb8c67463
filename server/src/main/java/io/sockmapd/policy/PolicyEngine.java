package io.sockmapd.policy;

import io.sockmapd.codec.PolicyAction;
import io.sockmapd.codec.PolicyRequest;
import io.sockmapd.log.LogThrottle;
import io.sockmapd.lookup.PolicyDecision;
import io.sockmapd.lookup.PolicyDecision.Outcome;
import io.sockmapd.lookup.PolicyLookup;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * One policy: asks its rules in order, one at a time; the first that gives an action answers, none
 * gives {@code DUNNO}. A rule that fails, or answers something that is not a valid action, ends the
 * evaluation with the policy's {@code on_error} action (Postfix must never act on a broken answer,
 * nor skip a rule that could have rejected): logged at WARN, at most once a minute per policy, rule
 * and reason.
 *
 * <p>The next rule is asked from the completion of the one before, on whichever thread completed
 * it; nothing here blocks.
 */
public final class PolicyEngine implements PolicyLookup {
  private static final Logger LOG = LogManager.getLogger(PolicyEngine.class);

  /**
   * The longest action accepted from a backend, in characters: Postfix's default {@code
   * line_length_limit}. An SMTP reply longer than that is no answer a database should give.
   */
  static final int MAX_ACTION_LENGTH = 2048;

  private static final Duration WARN_INTERVAL = Duration.ofMinutes(1);

  private final String name;
  private final List<PolicyRule> rules;
  private final PolicyAction onError;
  private final LogThrottle failures;

  /**
   * @param name the policy's name, for log lines
   * @param rules the rules in the order they are asked
   * @param onError the action for a failure
   */
  public PolicyEngine(String name, List<PolicyRule> rules, PolicyAction onError) {
    this.name = name;
    this.rules = List.copyOf(rules);
    this.onError = onError;
    this.failures = new LogThrottle(WARN_INTERVAL, 1000, WARN_INTERVAL);
  }

  @Override
  public CompletionStage<PolicyDecision> decide(PolicyRequest request) {
    CompletableFuture<PolicyDecision> decision = new CompletableFuture<>();
    ask(0, request, decision);
    return decision;
  }

  private void ask(int index, PolicyRequest request, CompletableFuture<PolicyDecision> decision) {
    if (index == rules.size()) {
      decision.complete(new PolicyDecision(PolicyAction.dunno(), Outcome.NO_MATCH));
      return;
    }
    PolicyRule rule = rules.get(index);
    CompletionStage<Optional<String>> answer;
    try {
      answer = rule.evaluate(request);
    } catch (RuntimeException e) {
      decision.complete(failed(index, rule, e.toString()));
      return;
    }
    answer.whenComplete(
        (text, error) -> {
          if (error != null) {
            decision.complete(failed(index, rule, reason(error)));
          } else if (text == null || text.isEmpty() || text.get().isEmpty()) {
            ask(index + 1, request, decision);
          } else {
            decision.complete(action(index, rule, text.get()));
          }
        });
  }

  /** A rule's answer as the action sent, or on_error when it is not a valid one. */
  private PolicyDecision action(int index, PolicyRule rule, String text) {
    if (text.length() > MAX_ACTION_LENGTH) {
      return failed(
          index,
          rule,
          "answered an action of "
              + text.length()
              + " characters (at most "
              + MAX_ACTION_LENGTH
              + ")");
    }
    try {
      return new PolicyDecision(PolicyAction.parse(text), Outcome.MATCHED);
    } catch (IllegalArgumentException e) {
      // The message quotes the action: it came from the database, not from the client.
      return failed(index, rule, "answered " + e.getMessage());
    }
  }

  private PolicyDecision failed(int index, PolicyRule rule, String why) {
    // An invalid action is quoted in the reason: keep a newline in it from forging log lines.
    String reason = printable(why);
    String where = "rule " + (index + 1) + " (" + rule.describe() + ")";
    long suppressed = failures.tryAcquire(where + ": " + reason);
    if (suppressed >= 0) {
      LOG.warn(
          "policy {} {}: {}; answered {}{}",
          name,
          where,
          reason,
          onError,
          suppressed > 0 ? " (" + suppressed + " similar not logged)" : "");
    } else {
      LOG.debug("policy {} {}: {}; answered {}", name, where, reason, onError);
    }
    return new PolicyDecision(onError, Outcome.FAILED);
  }

  private static String printable(String text) {
    StringBuilder out = new StringBuilder(text.length());
    text.codePoints()
        .forEach(
            c -> {
              if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04X", c));
              } else {
                out.appendCodePoint(c);
              }
            });
    return out.toString();
  }

  private static String reason(Throwable error) {
    Throwable cause =
        error instanceof java.util.concurrent.CompletionException c && c.getCause() != null
            ? c.getCause()
            : error;
    return cause instanceof PolicyRuleException ? cause.getMessage() : cause.toString();
  }

  /** The policy's name. */
  public String name() {
    return name;
  }
}
