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
      "Each file becomes a map named after the file; the JSON is printed on standard output."
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
          "Postfix main.cf to take recipient_delimiter from (for the fallback_keys hint).")
  @Nullable Path mainCf;

  @Parameters(
      arity = "1..*",
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
    PostfixTableImporter.Result result =
        PostfixTableImporter.importTables(tables, defaultType, mainCf);
    PrintWriter err = commandSpec.commandLine().getErr();
    result.warnings().forEach(w -> err.println("warning: " + w));
    result.errors().forEach(e -> err.println("error: " + e));
    err.flush();
    if (result.json() == null) {
      return 1;
    }
    PrintWriter out = commandSpec.commandLine().getOut();
    out.print(result.json());
    out.flush();
    return 0;
  }
}
