package io.sockmapd.config.schema;

import java.util.List;

/** Every section of the configuration, in the order the reference documents them. */
public final class ConfigSchema {
  public static final List<Section> SECTIONS =
      List.of(
          TopLevelKeys.SECTION,
          ListenerKeys.SECTION,
          LimitKeys.SECTION,
          DatabaseKeys.SECTION,
          TableKeys.SECTION,
          MapKeys.SECTION,
          CacheKeys.SECTION,
          PolicyKeys.SECTION,
          PolicyRuleKeys.SECTION);

  private ConfigSchema() {}
}
