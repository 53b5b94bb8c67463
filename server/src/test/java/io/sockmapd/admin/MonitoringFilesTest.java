package io.sockmapd.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.sockmapd.net.BlockingSocketmapClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Grafana dashboard and the Prometheus alert rules shipped in {@code packaging/monitoring}
 * load, and every metric their queries name is one a running daemon exports: a renamed meter must
 * not leave a panel or an alert silently empty.
 */
class MonitoringFilesTest {
  private static final Path MONITORING = Path.of("..", "packaging", "monitoring");

  /**
   * The metric names in a PromQL expression: the exporters' prefixes (ours, Micrometer's cache, JVM
   * and process meters). Prometheus's own {@code up} is not the daemon's to export.
   */
  private static final Pattern METRIC =
      Pattern.compile("\\b(?:sockmapd|cache|jvm|process|system)_[a-z0-9_]+\\b");

  @TempDir Path dir;

  @Test
  void dashboardAndAlertsUseOnlyExportedMetrics() throws Exception {
    JsonNode dashboard =
        new ObjectMapper().readTree(MONITORING.resolve("sockmapd-dashboard.json").toFile());
    List<String> dashboardExprs = new ArrayList<>();
    for (JsonNode panel : dashboard.get("panels")) {
      assertThat(panel.get("title").asText()).isNotEmpty();
      for (JsonNode target : panel.get("targets")) {
        dashboardExprs.add(target.get("expr").asText());
      }
    }
    assertThat(dashboardExprs).hasSizeGreaterThan(10);

    JsonNode rules = new YAMLMapper().readTree(MONITORING.resolve("sockmapd-alerts.yml").toFile());
    List<String> alertExprs = new ArrayList<>();
    for (JsonNode group : rules.get("groups")) {
      for (JsonNode rule : group.get("rules")) {
        assertThat(rule.get("alert").asText()).startsWith("Sockmapd");
        assertThat(rule.get("labels").get("severity").asText()).isIn("warning", "critical");
        alertExprs.add(rule.get("expr").asText());
      }
    }
    assertThat(alertExprs).hasSizeGreaterThan(5);

    Set<String> exported;
    try (MonitoredDaemon d =
        MonitoredDaemon.start(
            dir,
            "\"admin_listen\": \"inet:127.0.0.1:0\"",
            MonitoredDaemon.DEAD_DATABASE,
            MonitoredDaemon.DEAD_MAP)) {
      try (var client =
          BlockingSocketmapClient.connect(d.socketmapAddress(), Duration.ofSeconds(10))) {
        client.query("users", "alice");
      }
      exported = d.scrape().names();
    }
    Set<String> named = new LinkedHashSet<>();
    for (String expr : dashboardExprs) {
      named.addAll(metricNames(expr));
    }
    Set<String> namedByAlerts = new LinkedHashSet<>();
    for (String expr : alertExprs) {
      namedByAlerts.addAll(metricNames(expr));
    }
    assertThat(named).contains("sockmapd_lookups_total", "cache_gets_total");
    assertThat(exported).containsAll(named);
    assertThat(exported).containsAll(namedByAlerts);
  }

  private static Set<String> metricNames(String expr) {
    Set<String> names = new LinkedHashSet<>();
    Matcher m = METRIC.matcher(expr);
    while (m.find()) {
      names.add(m.group());
    }
    return names;
  }
}
