package io.sockmapd.config.importer;

import java.util.ArrayList;
import java.util.List;

/**
 * What one import found wrong: warnings when the output still behaves as the tables did or the
 * difference is harmless, errors (and then no output) when it would not.
 */
final class ImportProblems {
  final List<String> warnings = new ArrayList<>();
  final List<String> errors = new ArrayList<>();
}
