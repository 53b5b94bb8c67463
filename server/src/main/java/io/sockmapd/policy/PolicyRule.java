package io.sockmapd.policy;

import io.sockmapd.codec.PolicyRequest;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * One rule of a policy: asks one backend about a request. The SQL rule is {@code
 * io.sockmapd.sql.SqlPolicyRule}; another backend (HTTP) is another implementation.
 *
 * <p>Contract: never blocks the caller; the stage may complete on any thread. It completes with the
 * action text the backend gave (unvalidated: {@link PolicyEngine} validates every rule's answer
 * alike), empty when the backend has nothing to say about the request (the next rule is asked), and
 * exceptionally when the backend failed or missed its deadline ({@link PolicyRuleException} says
 * why in a form fit for the log).
 */
public interface PolicyRule {

  /** The rule's answer for {@code request}. */
  CompletionStage<Optional<String>> evaluate(PolicyRequest request);

  /** What the rule asks, for log lines: e.g. {@code database main}. */
  String describe();
}
