package io.sockmapd.config.importer;

import io.sockmapd.config.DatabaseType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * Converts Postfix {@code pgsql:}, {@code mysql:} and {@code sqlite:} table files (pgsql_table(5),
 * mysql_table(5), sqlite_table(5)) into one sockmapd JSON configuration.
 *
 * <ul>
 *   <li>Each file becomes a map named after the file ({@code virtual_alias_maps.cf} → {@code
 *       virtual_alias_maps}).
 *   <li>The engine comes from the argument's prefix ({@code pgsql:/etc/postfix/x.cf}, as written in
 *       main.cf; a leading {@code proxy:} is dropped), else from the default type given, else from
 *       the file: {@code dbpath} means sqlite, a MySQL-only parameter ({@code option_file}, {@code
 *       tls_*}, ...) mysql, {@code select_function} pgsql; otherwise it is an error.
 *   <li>Files with the same connection settings share one database entry, named after {@code
 *       dbname} (sqlite: the database file's name).
 *   <li>Everything sockmapd can't do the same way is reported: warnings when the output still
 *       behaves as the table did or the difference is harmless, errors (and no output) when it
 *       would not.
 * </ul>
 *
 * <p>The work is shared out: {@link TableFiles} reads a file and settles its engine, {@link
 * TableTranslator} turns it into a database ({@link DatabaseTranslator}) and query settings ({@link
 * QuerySettingsTranslator}, {@link QueryBuilder}), {@link ParameterImporter} does the same for the
 * tables a main.cf parameter lists, {@link ImportedConfigWriter} writes the JSON.
 */
public final class PostfixTableImporter {
  /** The listening endpoint written into the generated configuration. */
  public static final String DEFAULT_LISTEN = "inet:127.0.0.1:8732";

  private PostfixTableImporter() {}

  /**
   * What the import produced.
   *
   * @param json the pretty-printed configuration; null when there are errors
   * @param warnings things to review, each naming its file; the output is still usable
   * @param errors why there is no output
   */
  public record Result(
      @Nullable String json, List<String> warnings, List<String> errors, List<String> postconf) {
    public Result {
      warnings = List.copyOf(warnings);
      errors = List.copyOf(errors);
      postconf = List.copyOf(postconf);
    }

    /** A result with no Postfix commands to run (table files given one by one). */
    public Result(@Nullable String json, List<String> warnings, List<String> errors) {
      this(json, warnings, errors, List.of());
    }
  }

  /** Where Postfix finds sockmapd: the same endpoint seen from both sides. */
  public record SocketmapEndpoint(String listen, String postfix) {
    /**
     * A UNIX-domain socket in Postfix's {@code private/} directory: sockmapd listens at its full
     * path; Postfix's daemons name it relative to the queue directory, their working directory
     * (also inside a chroot).
     */
    public static SocketmapEndpoint privateSocket(String queueDirectory, String name) {
      return new SocketmapEndpoint(
          "unix:" + queueDirectory + "/private/" + name, "unix:private/" + name);
    }

    /** A TCP endpoint, {@code inet:host:port}, the same for both. */
    public static SocketmapEndpoint inet(String hostAndPort) {
      return new SocketmapEndpoint("inet:" + hostAndPort, "inet:" + hostAndPort);
    }
  }

  /**
   * Imports every SQL table a Postfix configuration uses (main.cf, and master.cf {@code -o}
   * overrides): one map per parameter, named after it; a parameter that lists several SQL tables
   * becomes one map with {@code queries}, searched as Postfix searches the list; the key forms
   * Postfix tries for the parameter ({@link ParameterSemantics}) become the map's fallback keys.
   * Tables in restriction lists ({@code check_recipient_access pgsql:...}) become a map each.
   *
   * @param endpoint where sockmapd listens, for the config and for the {@code postconf} commands
   * @param usePostconf read the configuration with {@code postconf -n}/{@code -P} when installed
   * @param passwordDir write each database's password to {@code DIR/DATABASE.password} (mode 0600)
   *     and refer to it with {@code password_file}; null to keep passwords in the JSON
   */
  public static Result importMainCf(
      Path mainCf,
      @Nullable DatabaseType defaultType,
      @Nullable SocketmapEndpoint endpoint,
      boolean usePostconf,
      @Nullable Path passwordDir) {
    ImportProblems problems = new ImportProblems();
    ImportedConfig imported = new ImportedConfig(passwordDir);
    PostfixMainConfig config =
        PostfixMainConfig.read(mainCf, usePostconf, problems.warnings::add, problems.errors::add);
    if (config == null) {
      return new Result(null, problems.warnings, problems.errors);
    }
    boolean smtputf8 = Smtputf8Setting.of(mainCf.toString(), config.main(), problems);
    SocketmapEndpoint where =
        endpoint != null
            ? endpoint
            : SocketmapEndpoint.privateSocket(
                config.main().containsKey("queue_directory")
                    ? config.expanded("queue_directory")
                    : "/var/spool/postfix",
                "sockmapd");
    ParameterImporter parameters =
        new ParameterImporter(
            imported, problems, defaultType, config.expanded("recipient_delimiter"), where);
    List<ParameterUse> uses = new ArrayList<>();
    for (Map.Entry<String, String> parameter : config.main().entrySet()) {
      String name = parameter.getKey();
      uses.add(
          new ParameterUse(
              name,
              name,
              config.expand(parameter.getValue(), 0),
              name
                  + ": imported, but Postfix's delivery agents refuse a socketmap for it"
                  + " (security-sensitive data): keep the native tables in main.cf; no postconf"
                  + " command is printed for it",
              replaced -> "postconf -e " + PostfixLists.shellQuote(name + " = " + replaced)));
    }
    for (Map.Entry<String, String> override : config.overrides().entrySet()) {
      String key = override.getKey();
      String parameter = key.substring(key.lastIndexOf('/') + 1);
      uses.add(
          new ParameterUse(
              parameter,
              key.substring(0, key.indexOf('/')).replaceAll("[^A-Za-z0-9_.-]", "_")
                  + "_"
                  + parameter,
              config.expand(override.getValue(), 0),
              key
                  + ": imported, but Postfix's delivery agents refuse a socketmap for it: keep the"
                  + " native tables; no postconf command is printed for it",
              replaced -> "postconf -P " + PostfixLists.shellQuote(key + "=" + replaced)));
    }
    List<String> postconf = new ArrayList<>();
    for (ParameterUse use : uses) {
      String replaced = parameters.importParameter(use.parameter(), use.mapName(), use.value());
      if (replaced != null && ParameterSemantics.refusesSocketmap(use.parameter())) {
        problems.warnings.add(use.refused());
      } else if (replaced != null) {
        postconf.add(use.postconf().apply(replaced));
      }
    }
    if (imported.maps.isEmpty() && problems.errors.isEmpty()) {
      problems.errors.add(
          mainCf + ": no pgsql:, mysql: or sqlite: tables found in main.cf or master.cf");
    }
    Result result =
        ImportedConfigWriter.write(imported, problems, smtputf8, List.of(where.listen()));
    return new Result(
        result.json(),
        result.warnings(),
        result.errors(),
        result.json() == null ? List.of() : postconf);
  }

  /**
   * One place main.cf or master.cf uses a parameter.
   *
   * @param mapName the map its SQL tables become
   * @param value its value, {@code $name}s expanded
   * @param refused the warning when Postfix's delivery agents refuse a socketmap for it
   * @param postconf the command that gives it its new value
   */
  private record ParameterUse(
      String parameter,
      String mapName,
      String value,
      String refused,
      UnaryOperator<String> postconf) {}

  /**
   * The engine named by a Postfix table type ({@code pgsql}, {@code mysql}, {@code sqlite}), or
   * null for any other name.
   */
  public static @Nullable DatabaseType typeOf(String postfixType) {
    return TableEngines.typeOf(postfixType);
  }

  /**
   * Imports table files.
   *
   * @param tables {@code [pgsql:|mysql:|sqlite:]FILE.cf}, as in main.cf
   * @param defaultType the engine of files without a prefix, or null to tell from their contents
   * @param mainCf Postfix's main.cf, read for {@code recipient_delimiter} and {@code
   *     smtputf8_enable}; null if not given
   */
  public static Result importTables(
      List<String> tables, @Nullable DatabaseType defaultType, @Nullable Path mainCf) {
    ImportProblems problems = new ImportProblems();
    ImportedConfig imported = new ImportedConfig(null);
    TableFiles files = new TableFiles(problems);
    String delimiter = null;
    boolean smtputf8 = true;
    if (mainCf != null) {
      Map<String, String> main = files.readCf(mainCf.toString(), mainCf);
      delimiter = main == null ? null : main.getOrDefault("recipient_delimiter", "");
      smtputf8 = main == null || Smtputf8Setting.of(mainCf.toString(), main, problems);
    }
    TableTranslator translator = new TableTranslator(imported, problems);
    for (String table : tables) {
      TableFile file = files.open(table, defaultType);
      if (file != null) {
        translator.addAsMap(file, delimiter);
      }
    }
    if (imported.maps.isEmpty() && problems.errors.isEmpty()) {
      problems.errors.add("no table files given");
    }
    return ImportedConfigWriter.write(imported, problems, smtputf8, List.of(DEFAULT_LISTEN));
  }
}
