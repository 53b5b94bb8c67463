package io.sockmapd.config.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The reference tables of {@code docs/configuration.md} are the schema's: every key documented,
 * with the range and default the loader enforces. Run with {@code -Dsockmapd.updateReference=true}
 * to rewrite the tables after changing a key.
 */
class ConfigReferenceTest {
  private static final Path REFERENCE = Path.of("..", "docs", "configuration.md");

  @Test
  void theCommittedReferenceTablesAreTheSchemas() throws Exception {
    String committed = Files.readString(REFERENCE, StandardCharsets.UTF_8);
    String generated = ConfigReference.update(committed);
    if (Boolean.getBoolean("sockmapd.updateReference")) {
      Files.writeString(REFERENCE, generated, StandardCharsets.UTF_8);
      return;
    }
    assertThat(committed)
        .as(
            "docs/configuration.md differs from the config schema; update it with: mvn -B -q -pl"
                + " server -am verify -Dtest=ConfigReferenceTest"
                + " -Dsurefire.failIfNoSpecifiedTests=false -DskipITs"
                + " -Dsockmapd.updateReference=true")
        .isEqualTo(generated);
  }

  @Test
  void everyKeyHasItsTypeDefaultAndOneLineDoc() {
    List<String> undocumented = new ArrayList<>();
    for (Section section : ConfigSchema.SECTIONS) {
      for (Key key : section.keys()) {
        for (String part : List.of(key.type(), key.defaultText(), key.doc())) {
          if (part.isBlank() || part.contains("\n") || part.matches(".*(?<!\\\\)\\|.*")) {
            undocumented.add(section.id() + "." + key.name() + ": \"" + part + "\"");
          }
        }
      }
    }
    assertThat(undocumented).as("blank, multi-line or with an unescaped |").isEmpty();
  }

  @Test
  void aMissingSectionIsAnError() {
    assertThat(
            org.assertj.core.api.Assertions.catchThrowable(
                () -> ConfigReference.update("no markers here")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("<!-- schema:top-level -->");
  }
}
