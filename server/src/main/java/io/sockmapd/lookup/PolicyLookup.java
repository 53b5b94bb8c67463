package io.sockmapd.lookup;

import io.sockmapd.codec.PolicyRequest;
import java.util.concurrent.CompletionStage;

/**
 * One named SMTPD access policy, as the listeners see it: the seam between the policy delegation
 * protocol and what decides (the policy's rules and their backends).
 *
 * <p>Contract for implementations: the stage never completes exceptionally, whatever the backends
 * do (a failure is answered with the policy's {@code on_error} action), may complete on any thread,
 * and the call never blocks.
 */
@FunctionalInterface
public interface PolicyLookup {

  /** The action for {@code request}. */
  CompletionStage<PolicyDecision> decide(PolicyRequest request);
}
