package io.sockmapd.config.importer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sockmapd.config.ConfigException;
import io.sockmapd.config.ConfigLoader;
import io.sockmapd.config.schema.DatabaseKeys;
import io.sockmapd.config.schema.TopLevelKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes an import's configuration as JSON, checked by loading it, and its password files: no JSON
 * and no file when anything is wrong.
 */
final class ImportedConfigWriter {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private ImportedConfigWriter() {}

  /**
   * @param smtputf8 main.cf's {@code smtputf8_enable}, written only when off
   * @param listen the listening endpoints
   */
  static PostfixTableImporter.Result write(
      ImportedConfig config, ImportProblems problems, boolean smtputf8, List<String> listen) {
    if (config.passwords && config.passwordDir == null) {
      problems.warnings.add(
          "the output contains database passwords as given in the .cf files: keep it private, or"
              + " move them to \""
              + DatabaseKeys.PASSWORD_FILE.name()
              + "\" or \"${ENV_VAR}\" references");
    }
    if (!problems.errors.isEmpty()) {
      return failed(problems);
    }
    ObjectNode root = NODES.objectNode();
    ArrayNode endpoints = root.putArray(TopLevelKeys.LISTEN.name());
    listen.forEach(endpoints::add);
    if (!smtputf8) {
      // Postfix then folds keys ASCII-only; sockmapd's default is Postfix's current default.
      root.put(TopLevelKeys.SMTPUTF8_ENABLE.name(), false);
    }
    root.putObject(TopLevelKeys.DATABASES.name()).setAll(config.databases);
    root.putObject(TopLevelKeys.MAPS.name()).setAll(config.maps);
    String json = text(root);
    // Whatever we emit must load; ${...} in a copied password is not resolved for this check.
    try {
      new ConfigLoader(name -> "").parse(json, "imported config", Path.of(""));
    } catch (ConfigException e) {
      problems.errors.add("the generated configuration does not load: " + e.getMessage());
      return failed(problems);
    }
    Path passwordDir = config.passwordDir;
    if (passwordDir != null && config.passwords) {
      // Only now, with a configuration known to load: nothing is written for a failed import.
      try {
        for (Map.Entry<String, ObjectNode> database : config.databases.entrySet()) {
          JsonNode password = database.getValue().remove(DatabaseKeys.PASSWORD.name());
          if (password != null) {
            Path file = passwordDir.resolve(database.getKey() + ".password").toAbsolutePath();
            PasswordFiles.write(file, password.asText());
            database.getValue().put(DatabaseKeys.PASSWORD_FILE.name(), file.toString());
          }
        }
        json = text(root);
      } catch (IOException e) {
        problems.errors.add("cannot write a password file: " + e.getMessage());
        return failed(problems);
      }
    }
    return new PostfixTableImporter.Result(json, problems.warnings, problems.errors);
  }

  private static PostfixTableImporter.Result failed(ImportProblems problems) {
    return new PostfixTableImporter.Result(null, problems.warnings, problems.errors);
  }

  private static String text(ObjectNode root) {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
