package io.sockmapd.cli;

import io.sockmapd.config.DatabaseType;
import io.sockmapd.config.importer.PostfixTableImporter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sockmapd import}: converts Postfix pgsql/mysql/sqlite table files into a sockmapd
 * configuration. The JSON goes to standard output, warnings and errors to standard error; the exit
 * status is 1 when any file could not be read or converted (then nothing is printed).
 */
@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    description = {
      "Convert Postfix pgsql:/mysql:/sqlite: table files (.cf) into a sockmapd JSON config.",
      "Each file becomes a map named after the file; the JSON is printed on standard output.",
      "With --main-cf and no files: every SQL table main.cf and master.cf use, one map per"
          + " parameter (a list of tables becomes one map searched as Postfix searches it), and"
          + " the postconf commands that point Postfix at sockmapd (on standard error)."
    })
public final class ImportCommand implements Callable<Integer> {
  @Spec @Nullable CommandSpec spec;

  @Option(
      names = "--type",
      paramLabel = "pgsql|mysql|sqlite",
      description = "Table type of files given without a pgsql:/mysql:/sqlite: prefix.")
  @Nullable String type;

  @Option(
      names = "--main-cf",
      paramLabel = "FILE",
      description =
          "Postfix main.cf: with table files, read for recipient_delimiter and smtputf8_enable;"
              + " alone, the configuration whose SQL tables are imported.")
  @Nullable Path mainCf;

  @Option(
      names = "--listen",
      paramLabel = "inet:HOST:PORT",
      description =
          "With --main-cf alone: where sockmapd listens and Postfix connects (default: a unix"
              + " socket in Postfix's private/ directory).")
  @Nullable String listen;

  @Option(
      names = "--no-postconf",
      description =
          "With --main-cf alone: read main.cf and master.cf with sockmapd's own reader even when"
              + " Postfix's postconf is installed.")
  boolean noPostconf;

  @Option(
      names = "--password-dir",
      paramLabel = "DIR",
      description =
          "With --main-cf alone: write each database's password to DIR/DATABASE.password (mode"
              + " 0600) and refer to it as password_file, instead of copying it into the JSON.")
  @Nullable Path passwordDir;

  @Parameters(
      arity = "0..*",
      paramLabel = "[TYPE:]FILE.cf",
      description = "Table files, optionally prefixed as in main.cf, e.g. pgsql:/etc/postfix/x.cf.")
  List<String> tables = List.of();

  @Override
  public Integer call() {
    CommandSpec commandSpec = spec;
    if (commandSpec == null) {
      throw new IllegalStateException("picocli did not inject the command spec");
    }
    DatabaseType defaultType = null;
    if (type != null) {
      defaultType = PostfixTableImporter.typeOf(type);
      if (defaultType == null) {
        throw new ParameterException(
            commandSpec.commandLine(), "--type must be pgsql, mysql or sqlite, got " + type);
      }
    }
    PostfixTableImporter.Result result;
    if (tables.isEmpty()) {
      if (mainCf == null) {
        throw new ParameterException(
            commandSpec.commandLine(), "give table files, or --main-cf to import a whole Postfix");
      }
      PostfixTableImporter.SocketmapEndpoint endpoint = null;
      if (listen != null) {
        if (!listen.startsWith("inet:")) {
          throw new ParameterException(
              commandSpec.commandLine(), "--listen must be inet:HOST:PORT, got " + listen);
        }
        endpoint = PostfixTableImporter.SocketmapEndpoint.inet(listen.substring("inet:".length()));
      }
      result =
          PostfixTableImporter.importMainCf(
              mainCf, defaultType, endpoint, !noPostconf, passwordDir);
    } else {
      if (listen != null || noPostconf || passwordDir != null) {
        throw new ParameterException(
            commandSpec.commandLine(),
            "--listen, --no-postconf and --password-dir apply to --main-cf alone");
      }
      result = PostfixTableImporter.importTables(tables, defaultType, mainCf);
    }
    PrintWriter err = commandSpec.commandLine().getErr();
    result.warnings().forEach(w -> err.println("warning: " + w));
    result.errors().forEach(e -> err.println("error: " + e));
    if (result.json() == null) {
      err.flush();
      return 1;
    }
    if (!result.postconf().isEmpty()) {
      err.println("# Once sockmapd runs with this configuration, point Postfix at it:");
      result.postconf().forEach(err::println);
      err.println("postfix reload");
    }
    err.flush();
    PrintWriter out = commandSpec.commandLine().getOut();
    out.print(result.json());
    out.flush();
    return 0;
  }
}
