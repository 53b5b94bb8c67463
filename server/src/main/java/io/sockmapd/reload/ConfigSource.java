package io.sockmapd.reload;

import io.sockmapd.config.ConfigException;
import io.sockmapd.config.SockmapdConfig;

/** Where a reload reads the configuration from: the file the daemon was started with. */
@FunctionalInterface
public interface ConfigSource {

  /** Reads and validates the configuration as it is now. */
  SockmapdConfig load() throws ConfigException;
}
