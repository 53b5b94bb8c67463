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
 * The {@code sockmapd} command: {@code run}, {@code check}, {@code query}, {@code flush}, {@code
 * reload}, {@code import} and {@code verify}.
 *
 * <p>Errors are one clear message on stderr and a non-zero exit code; {@code --stacktrace} adds the
 * stack trace. Exit codes: 0 success, 1 failure, 2 usage error, 78 configuration error (in every
 * command); {@code query} follows {@code postmap -q}: 0 found, 1 not found, 2 lookup failed.
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

  /**
   * Exit code of every command when the configuration file is missing, unreadable or wrong:
   * EX_CONFIG from sysexits.h. The unit file's {@code RestartPreventExitStatus=78} keeps systemd
   * from restarting a daemon whose config has a typo again and again.
   */
  static final int CONFIG_ERROR = 78;

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

  @Option(
      names = "--log-format",
      scope = ScopeType.INHERIT,
      paramLabel = "FORMAT",
      description =
          "Log line format: text, journal (syslog priority prefixes for systemd's journal) or json"
              + " (Elastic Common Schema). Default: journal when stderr is the journal, else text.")
  @Nullable LogFormat logFormat;

  Main(BackendFactory backends, PrintStream out, PrintStream err) {
    this.backends = backends;
    this.out = out;
    this.err = err;
  }

  public static void main(String[] args) {
    // Before Log4j starts, which reads it to pick its layout; --log-format may change it later.
    if (System.getProperty(LogFormat.PROPERTY) == null) {
      System.setProperty(LogFormat.PROPERTY, LogFormat.detect(System.getenv()).propertyValue());
    }
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
    commandLine.addSubcommand("reload", new ReloadCommand(main));
    commandLine.addSubcommand("import", new ImportCommand());
    commandLine.addSubcommand("verify", new VerifyCommand(main));
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
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
    if (logFormat != null
        && !logFormat.propertyValue().equals(System.getProperty(LogFormat.PROPERTY))) {
      System.setProperty(LogFormat.PROPERTY, logFormat.propertyValue());
      Configurator.reconfigure(); // log4j2.xml selects its layout by the property
    }
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
