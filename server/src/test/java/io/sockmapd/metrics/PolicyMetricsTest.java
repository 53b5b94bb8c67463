package io.sockmapd.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockmapd.config.ConfigLoader;
import io.sockmapd.config.SockmapdConfig;
import io.sockmapd.lookup.PolicyDecision.Outcome;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Policy requests are counted by policy and outcome, and a reload makes and drops the meters. */
class PolicyMetricsTest {
  private static SockmapdConfig config(String policy) throws Exception {
    return new ConfigLoader(name -> null)
        .parse(
            "{\"listen\": [\"inet:127.0.0.1:1\"],"
                + " \"databases\": {\"main\": {\"type\": \"sqlite\", \"path\": \"maps.db\"}},"
                + " \"maps\": {\"users\": {\"database\": \"main\", \"query\": \"SELECT 1\"}},"
                + " \"policies\": {\""
                + policy
                + "\": {\"rules\": [{\"database\": \"main\", \"query\": \"SELECT 1\"}]}}}",
            "test.json",
            Path.of("/etc/sockmapd"));
  }

  @Test
  void requestsAreCountedByPolicyAndOutcome() throws Exception {
    try (PrometheusMetrics metrics = new PrometheusMetrics(config("relay"))) {
      metrics.lookupStarted();
      metrics.policyFinished("relay", Outcome.MATCHED, 1_000_000);
      metrics.lookupStarted();
      metrics.policyFinished("relay", Outcome.FAILED, 1_000_000);
      metrics.lookupStarted();
      metrics.policyFinished("relay", Outcome.FAILED, 1_000_000);
      String scrape = metrics.scrape();
      assertThat(scrape)
          .contains("sockmapd_policy_requests_total{outcome=\"matched\",policy=\"relay\"} 1.0")
          .contains("sockmapd_policy_requests_total{outcome=\"failed\",policy=\"relay\"} 2.0")
          .contains("sockmapd_policy_requests_total{outcome=\"no_match\",policy=\"relay\"} 0.0")
          .contains("sockmapd_lookups_in_flight 0.0");

      metrics.reconfigured(config("strict"));
      assertThat(metrics.scrape())
          .doesNotContain("policy=\"relay\"")
          .contains("sockmapd_policy_requests_total{outcome=\"matched\",policy=\"strict\"} 0.0");
    }
  }
}
