package io.sockmapd.cli;

import io.sockmapd.config.ConfigException;
import io.sockmapd.config.ConfigLoader;
import io.sockmapd.config.SockmapdConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --config FILE} option every subcommand takes. */
final class ConfigOption {
  @Option(
      names = {"-c", "--config"},
      required = true,
      paramLabel = "FILE",
      description = "The JSON configuration file.")
  Path file;

  SockmapdConfig load() throws ConfigException {
    return new ConfigLoader().load(file);
  }
}
