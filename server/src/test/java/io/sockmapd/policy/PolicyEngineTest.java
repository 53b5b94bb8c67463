package io.sockmapd.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockmapd.codec.PolicyAction;
import io.sockmapd.codec.PolicyRequest;
import io.sockmapd.lookup.PolicyDecision;
import io.sockmapd.lookup.PolicyDecision.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/** How a policy's rules are asked and their answers judged, with rules that answer as told. */
class PolicyEngineTest {
  private static final PolicyAction ON_ERROR = PolicyAction.parse("451 4.3.0 policy unavailable");
  private static final PolicyRequest REQUEST =
      PolicyRequest.of(Map.of("sender", "a@example.com", "client_address", "192.0.2.1"));

  /** The rules asked, by index, in the order they were asked. */
  private final List<Integer> asked = new ArrayList<>();

  private PolicyRule rule(int index, CompletionStage<Optional<String>> answer) {
    return new PolicyRule() {
      @Override
      public CompletionStage<Optional<String>> evaluate(PolicyRequest request) {
        asked.add(index);
        return answer;
      }

      @Override
      public String describe() {
        return "test rule " + index;
      }
    };
  }

  private static CompletionStage<Optional<String>> answers(String action) {
    return CompletableFuture.completedFuture(Optional.of(action));
  }

  private static CompletionStage<Optional<String>> nothing() {
    return CompletableFuture.completedFuture(Optional.empty());
  }

  private PolicyDecision decide(PolicyRule... rules) {
    return new PolicyEngine("p", List.of(rules), ON_ERROR)
        .decide(REQUEST)
        .toCompletableFuture()
        .getNow(null);
  }

  @Test
  void theFirstRuleWithAnActionAnswersAndLaterRulesAreNotAsked() {
    PolicyDecision decision =
        decide(rule(0, nothing()), rule(1, answers("REJECT no")), rule(2, answers("OK")));
    assertThat(decision)
        .isEqualTo(new PolicyDecision(PolicyAction.parse("REJECT no"), Outcome.MATCHED));
    assertThat(asked).containsExactly(0, 1);
  }

  @Test
  void anEmptyValueGoesOnToTheNextRule() {
    PolicyDecision decision = decide(rule(0, answers("")), rule(1, answers("HOLD")));
    assertThat(decision.action()).hasToString("HOLD");
    assertThat(asked).containsExactly(0, 1);
  }

  @Test
  void noRuleWithAnActionIsDunno() {
    PolicyDecision decision = decide(rule(0, nothing()), rule(1, answers("")));
    assertThat(decision).isEqualTo(new PolicyDecision(PolicyAction.dunno(), Outcome.NO_MATCH));
  }

  @Test
  void aFailedRuleIsOnErrorAndStopsTheEvaluation() {
    PolicyDecision decision =
        decide(
            rule(0, nothing()),
            rule(1, CompletableFuture.failedFuture(new PolicyRuleException("TEMP down"))),
            rule(2, answers("OK")));
    assertThat(decision).isEqualTo(new PolicyDecision(ON_ERROR, Outcome.FAILED));
    // A later rule must not permit what the failed one might have rejected.
    assertThat(asked).containsExactly(0, 1);
  }

  @Test
  void aRuleThatThrowsIsOnError() {
    PolicyRule throwing =
        new PolicyRule() {
          @Override
          public CompletionStage<Optional<String>> evaluate(PolicyRequest request) {
            throw new IllegalStateException("bug");
          }

          @Override
          public String describe() {
            return "throwing";
          }
        };
    assertThat(decide(throwing).outcome()).isEqualTo(Outcome.FAILED);
  }

  @Test
  void anInvalidActionFromTheBackendIsOnErrorNeverSentToPostfix() {
    for (String invalid :
        List.of(
            "REJECT two\naction=OK",
            "permit",
            "550",
            " REJECT",
            "REJECT bell\u0007",
            "X".repeat(10),
            "REJECT " + "x".repeat(PolicyEngine.MAX_ACTION_LENGTH))) {
      asked.clear();
      PolicyDecision decision = decide(rule(0, answers(invalid)), rule(1, answers("OK")));
      assertThat(decision).as(invalid).isEqualTo(new PolicyDecision(ON_ERROR, Outcome.FAILED));
      assertThat(asked).containsExactly(0);
    }
  }

  @Test
  void rulesAnsweringLaterAreWaitedForInOrder() {
    CompletableFuture<Optional<String>> first = new CompletableFuture<>();
    CompletableFuture<Optional<String>> second = new CompletableFuture<>();
    CompletableFuture<PolicyDecision> decision =
        new PolicyEngine("p", List.of(rule(0, first), rule(1, second)), ON_ERROR)
            .decide(REQUEST)
            .toCompletableFuture();
    assertThat(asked).containsExactly(0);
    first.complete(Optional.empty());
    assertThat(asked).containsExactly(0, 1);
    assertThat(decision).isNotDone();
    second.complete(Optional.of("554 5.7.1 go away"));
    assertThat(decision.getNow(null).action()).hasToString("554 5.7.1 go away");
  }
}
