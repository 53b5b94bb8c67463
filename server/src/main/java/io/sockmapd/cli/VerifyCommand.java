package io.sockmapd.cli;

import io.sockmapd.codec.SocketmapStatus;
import io.sockmapd.config.ConfigException;
import io.sockmapd.config.MapConfig;
import io.sockmapd.config.importer.PostfixNativeTables;
import io.sockmapd.lookup.LookupResult;
import io.sockmapd.sql.KeyPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.Level;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sockmapd verify}: asks native Postfix ({@code postmap -q} on the SQL tables main.cf names)
 * and sockmapd (its config, in-process) the same keys and prints every difference. The native side
 * searches a parameter's tables as Postfix does: each key form (the full key, then the forms
 * Postfix applies for the parameter) in every table, in list order, before the next form.
 */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Ask native Postfix (postmap -q on main.cf's SQL tables) and sockmapd the same keys and"
          + " print the differences; exit 0 only when there are none.",
      "Maps are matched to main.cf parameters by name, as `sockmapd import --main-cf` names them.",
      "Give the keys (--keys) or let them be sampled from the tables' key columns (--sample)."
    })
public final class VerifyCommand implements Callable<Integer> {
  private static final Path POSTMAP = Path.of("/usr/sbin/postmap");

  private final Main main;
  @Mixin ConfigOption config;

  @Option(
      names = "--main-cf",
      required = true,
      paramLabel = "FILE",
      description = "The main.cf whose SQL tables sockmapd replaces.")
  Path mainCf;

  @ArgGroup(exclusive = true, multiplicity = "1")
  KeySource keySource;

  /** Where the keys come from: given, or sampled from the native tables. */
  static final class KeySource {
    @Option(
        names = "--keys",
        paramLabel = "FILE",
        description = "One `MAP KEY` a line (the key as a client sends it); # comments.")
    @Nullable Path keys;

    @Option(
        names = "--sample",
        paramLabel = "N",
        description =
            "For each map, up to N distinct values of each native table's key column (read"
                + " through the table's own connection settings), each with the forms Postfix"
                + " derives from it (user+ext@domain, @domain, domain, upper case), and a key"
                + " that exists nowhere.")
    int sample;
  }

  VerifyCommand(Main main) {
    this.main = main;
  }

  @Override
  public Integer call() throws InterruptedException {
    main.configureLogging(Level.WARN);
    List<String> problems = new ArrayList<>();
    PostfixNativeTables tables = PostfixNativeTables.read(mainCf, problems::add);
    Path keys = keySource.keys;
    List<String[]> requests = List.of();
    if (keys != null) {
      try {
        requests = requests(Files.readAllLines(keys, StandardCharsets.UTF_8));
      } catch (IOException e) {
        problems.add(keys + ": cannot read: " + e.getMessage());
      }
    } else if (keySource.sample < 1) {
      problems.add("--sample must be at least 1, got " + keySource.sample);
    }
    if (tables == null || !problems.isEmpty()) {
      problems.forEach(p -> main.err.println("sockmapd: " + p));
      main.err.flush();
      return Main.ERROR;
    }
    int differences = 0;
    int unsampled = 0;
    try (AskedMaps sockmapd = AskedMaps.open(config, main.backends)) {
      if (keys == null) {
        KeySampling sampling = new KeySampling(tables, keySource.sample, main.out);
        requests = sampling.requests(sockmapd.config.maps().keySet());
        unsampled = sampling.unreachable();
      }
      for (String[] request : requests) {
        String map = request[0];
        String key = request[1];
        PostfixNativeTables.Tables native_ = tables.forMap(map);
        MapConfig mapConfig = sockmapd.config.maps().get(map);
        if (native_ == null || mapConfig == null) {
          main.out.println(
              map + " " + key + ": no such " + (native_ == null ? "main.cf parameter" : "map"));
          differences++;
          continue;
        }
        String expected = postfix(native_, mapConfig, key);
        String actual = describe(sockmapd.ask(map, key));
        if (!expected.equals(actual)) {
          main.out.println(map + " " + key + ": postfix " + expected + ", sockmapd " + actual);
          differences++;
        }
      }
    } catch (ConfigException e) {
      main.fail(e);
      return Main.ERROR;
    }
    main.out.println(
        requests.size()
            + " keys, "
            + differences
            + " differences"
            + (unsampled > 0
                ? ", " + unsampled + " key columns not sampled (their databases failed)"
                : ""));
    main.out.flush();
    if (differences > 0) {
      return Main.FAILED;
    }
    // Without the keys of an unreachable table, "no differences" would claim more than was seen.
    return unsampled > 0 ? Main.ERROR : Main.OK;
  }

  private static List<String[]> requests(List<String> lines) {
    List<String[]> result = new ArrayList<>();
    for (String line : lines) {
      String text = line.strip();
      int space = text.indexOf(' ');
      if (text.isEmpty() || text.startsWith("#") || space < 0) {
        continue;
      }
      result.add(new String[] {text.substring(0, space), text.substring(space + 1).strip()});
    }
    return result;
  }

  private static String describe(LookupResult result) {
    return result.status() == SocketmapStatus.OK
        ? "OK " + result.text()
        : result.status() == SocketmapStatus.NOTFOUND ? "NOTFOUND" : "error";
  }

  /**
   * Postfix's answer: each form, in every table, in order. The forms are derived with sockmapd's
   * own {@link KeyPolicy} from the fallback keys Postfix applies for the parameter: postmap looks a
   * key up as given and can't derive them itself.
   */
  private String postfix(PostfixNativeTables.Tables native_, MapConfig map, String key)
      throws InterruptedException {
    MapConfig forms =
        new MapConfig(
            map.name(),
            "",
            "",
            "%s",
            List.of(),
            0,
            false,
            native_.recipientDelimiter(),
            native_.fallbackKeys(),
            null,
            map.smtputf8Enable(),
            List.of());
    for (String form : KeyPolicy.of(forms).forms(key)) {
      for (String table : native_.tables()) {
        String answer = postmap(form, table);
        if (!answer.equals("NOTFOUND")) {
          return answer;
        }
      }
    }
    return "NOTFOUND";
  }

  /** {@code postmap -c DIR -q KEY TABLE}: "OK value", "NOTFOUND" or "error". */
  private String postmap(String key, String table) throws InterruptedException {
    Path folder = mainCf.toAbsolutePath().getParent();
    List<String> command =
        List.of(
            POSTMAP.toString(),
            "-c",
            folder == null ? "/etc/postfix" : folder.toString(),
            "-q",
            key,
            table);
    try {
      Process process = new ProcessBuilder(command).start();
      process.getOutputStream().close();
      String stdout;
      String stderr;
      // Read one after the other: postmap writes a value and at most a few lines of warnings, far
      // below a pipe's buffer, so neither stream can stall the other.
      try (InputStream out = process.getInputStream();
          InputStream err = process.getErrorStream()) {
        stdout = new String(out.readAllBytes(), StandardCharsets.UTF_8);
        stderr = new String(err.readAllBytes(), StandardCharsets.UTF_8);
      }
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return "error";
      }
      if (process.exitValue() == 0) {
        return "OK " + stdout.strip();
      }
      return stderr.contains("fatal") || stderr.contains("error") ? "error" : "NOTFOUND";
    } catch (IOException e) {
      return "error";
    }
  }
}
