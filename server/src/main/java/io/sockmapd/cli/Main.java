package io.sockmapd.cli;

import io.sockmapd.lookup.BackendFactory;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code sockmapd} command: {@code run}, {@code check}, {@code query} and {@code flush}.
 *
 * <p>Errors are one clear message on stderr and a non-zero exit code; {@code --stacktrace} adds the
 * stack trace.
 */
@Command(
    name = "sockmapd",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Socketmap lookup daemon for Postfix and Sendmail, backed by SQL databases.")
public final class Main {
  /** Exit code of a successful command (and of {@code query} on a hit). */
  static final int OK = 0;

  /** Exit code of a failed command (and of {@code query} on a miss). */
  static final int FAILED = 1;

  /** Exit code of {@code query} when the lookup failed, and of a usage error. */
  static final int ERROR = 2;

  final BackendFactory backends;
  final PrintStream out;
  final PrintStream err;

  @Option(
      names = "--stacktrace",
      scope = ScopeType.INHERIT,
      description = "Show stack traces with error messages.")
  boolean stacktrace;

  @Option(
      names = "--log-level",
      scope = ScopeType.INHERIT,
      paramLabel = "LEVEL",
      description =
          "Log level: error, warn, info, debug, trace (default: info for run, warn otherwise;"
              + " lookups and their keys are logged at debug).")
  @Nullable String logLevel;

  Main(BackendFactory backends, PrintStream out, PrintStream err) {
    this.backends = backends;
    this.out = out;
    this.err = err;
  }

  public static void main(String[] args) {
    // Vert.x threads are not daemon threads: leave explicitly, whatever the command did.
    System.exit(execute(args, Backends.DEFAULT, System.out, System.err));
  }

  /** Runs a command line and returns its exit code instead of exiting; for tests. */
  public static int execute(
      String[] args, BackendFactory backends, PrintStream out, PrintStream err) {
    Main main = new Main(backends, out, err);
    CommandLine commandLine = new CommandLine(main);
    commandLine.addSubcommand("run", new RunCommand(main));
    commandLine.addSubcommand("check", new CheckCommand(main));
    commandLine.addSubcommand("query", new QueryCommand(main));
    commandLine.addSubcommand("flush", new FlushCommand(main));
    commandLine.addSubcommand("import", new ImportCommand());
    commandLine.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
    commandLine.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
    commandLine.setExecutionExceptionHandler(
        (e, cmd, parseResult) -> {
          main.fail(e);
          return ERROR;
        });
    return commandLine.execute(args);
  }

  /** Sets the log level: the option if given, else the command's default. */
  void configureLogging(Level defaultLevel) {
    Level level = logLevel == null ? defaultLevel : Level.toLevel(logLevel, null);
    if (level == null) {
      err.println("sockmapd: unknown log level " + logLevel + ", using " + defaultLevel);
      level = defaultLevel;
    }
    Configurator.setRootLevel(level);
    Configurator.setLevel("io.sockmapd", level);
  }

  /** Prints an error as one message (plus the stack trace with --stacktrace). */
  void fail(Throwable e) {
    String message = e.getMessage();
    if (e instanceof io.sockmapd.config.ConfigException config && message != null) {
      message = oneLine(config, message);
    }
    boolean expected =
        e instanceof io.sockmapd.config.ConfigException
            || e instanceof io.sockmapd.net.ServerStartException
            || e instanceof java.io.IOException;
    if (expected && message != null) {
      err.println("sockmapd: " + message);
    } else {
      err.println(
          "sockmapd: internal error: " + e + (stacktrace ? "" : " (run with --stacktrace)"));
    }
    if (stacktrace) {
      e.printStackTrace(err);
    }
  }

  /**
   * A problem with the file as a whole (missing, unreadable, not JSON) reads best as one line:
   * {@code FILE: file not found} rather than a count and a list of one.
   */
  private static String oneLine(io.sockmapd.config.ConfigException e, String message) {
    String single = ": 1 problem\n";
    int cut = message.indexOf(single);
    if (e.problems().size() == 1 && e.problems().get(0).path().equals("$") && cut > 0) {
      return message.substring(0, cut) + ": " + e.problems().get(0).message();
    }
    return message;
  }

  /** The version from the jar manifest, if any. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Main.class.getPackage().getImplementationVersion();
      return new String[] {"sockmapd " + (version == null ? "(development build)" : version)};
    }
  }
}
