package io.sockmapd.config;

/**
 * How one map on an {@code http} database asks: {@code GET <base URL><path>?...}.
 *
 * @param path appended to each base URL of the database ({@code ""} for the base URL itself)
 * @param parameters which query parameters carry the lookup
 * @param valueSeparator joins the strings of a JSON array answer
 */
public record HttpTarget(String path, Parameters parameters, String valueSeparator) {

  /** The query parameters of a lookup, as postfix-rest-connector's endpoint modes send them. */
  public enum Parameters {
    /**
     * {@code ?name=MAP&key=KEY}, MAP being this map's name: a {@code socketmap-lookup} endpoint.
     */
    NAME_AND_KEY,
    /** {@code ?key=KEY}: a {@code tcp-lookup} endpoint. */
    KEY,
    /**
     * {@code ?name=NAME&key=KEY} with the map name the client sent: the map behind a socketmap
     * listener that answers every name from it (a postfix-rest-connector {@code socketmap-lookup}
     * endpoint, which forwards whatever name Postfix asks for). The listener hands such a map
     * {@code "NAME KEY"}.
     */
    FORWARDED_NAME_AND_KEY
  }

  /** The separator postfix-rest-connector joins a JSON array with by default. */
  public static final String DEFAULT_SEPARATOR = ",";
}
