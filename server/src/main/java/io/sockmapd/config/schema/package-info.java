/**
 * The configuration keys, each described once (name, kind, range, default, one-line doc).
 *
 * <p>{@code ConfigLoader} reads and validates every key through its descriptor, the Postfix
 * importer writes keys under the descriptors' names, and {@link
 * io.sockmapd.config.schema.ConfigReference} renders the reference tables of {@code
 * docs/configuration.md} from them ({@code ConfigReferenceTest} fails when the committed tables
 * differ).
 *
 * <p><b>Adding a key</b> is one declaration in the section it belongs to ({@code TopLevelKeys},
 * {@code LimitKeys}, {@code DatabaseKeys}, {@code TableKeys}, {@code MapKeys}, {@code CacheKeys}):
 *
 * <pre>{@code
 * public static final WholeNumberKey MAX_CONNECTIONS_PER_CLIENT =
 *     SECTION.wholeNumber("max_connections_per_client", 0, 0, 1_000_000, "`0` (no limit)",
 *         "connections one client may hold at once");
 * }</pre>
 *
 * then read it where the section is read ({@code r.read(LimitKeys.MAX_CONNECTIONS_PER_CLIENT)} in
 * {@code ConfigLoader}), put it in the record, and regenerate the tables: {@code mvn -B -q -pl
 * server -am verify -Dtest=ConfigReferenceTest -Dsurefire.failIfNoSpecifiedTests=false -DskipITs
 * -Dsockmapd.updateReference=true}. A key the loader reads without a descriptor can't exist: the
 * reader takes descriptors only. A new section is a class like these plus an entry in {@link
 * io.sockmapd.config.schema.ConfigSchema#SECTIONS} and its markers in the document.
 */
package io.sockmapd.config.schema;
