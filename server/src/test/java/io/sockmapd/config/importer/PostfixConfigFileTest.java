package io.sockmapd.config.importer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PostfixConfigFileTest {
  private final List<String> warnings = new ArrayList<>();
  private final List<String> errors = new ArrayList<>();

  private java.util.Map<String, String> parse(String text) {
    return PostfixConfigFile.parse(text.lines().toList(), warnings::add, errors::add);
  }

  @Test
  void continuationLinesJoinWithoutTheLineBreakKeepingTheirIndentation() {
    var p = parse("query = SELECT a\n   FROM t\n\tWHERE k = '%s'\nuser=x\n");

    assertThat(p)
        .containsEntry("query", "SELECT a   FROM t\tWHERE k = '%s'")
        .containsEntry("user", "x");
    assertThat(warnings).isEmpty();
  }

  @Test
  void commentAndBlankLinesAreSkippedEvenInsideALogicalLine() {
    var p =
        parse(
            "# head\n\nquery = SELECT a\n# inside\n   \n  FROM t\n  # indented comment\nhosts = h # not a comment\n");

    assertThat(p)
        .containsExactly(
            java.util.Map.entry("query", "SELECT a  FROM t"),
            java.util.Map.entry("hosts", "h # not a comment"));
  }

  @Test
  void valuesAreTrimmedAndMayBeEmptyOrContainEqualsSigns() {
    var p =
        parse(
            "  \nresult_format   =   %s OK  \nadditional_conditions = AND a = 'b=c'\noption_group =\n");

    assertThat(p)
        .containsEntry("result_format", "%s OK")
        .containsEntry("additional_conditions", "AND a = 'b=c'")
        .containsEntry("option_group", "");
  }

  @Test
  void aLeadingContinuationIsIgnoredWithAWarningAndRepeatsKeepTheLastValue() {
    var p = parse("  stray = 1\nuser = a\nuser = b\n");

    assertThat(p).containsExactly(java.util.Map.entry("user", "b"));
    assertThat(warnings)
        .containsExactly(
            "line 1: ignored: a logical line must not start with whitespace",
            "line 3: user is set again; the last value is used");
  }

  @Test
  void aLineWithoutEqualsIsAnError() {
    parse("user = a\njust words\n");

    assertThat(errors).containsExactly("line 2: expected \"name = value\"");
  }
}
