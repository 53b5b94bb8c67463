package io.sockmapd.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.sockmapd.lookup.LookupResult;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.StringJoiner;
import org.jspecify.annotations.Nullable;

/**
 * What an HTTP answer means for a lookup, as postfix-rest-connector reads it, so that swapping it
 * for sockmapd changes no reply:
 *
 * <ul>
 *   <li>{@code 200} with a JSON array of strings: the value, joined with the separator; an empty
 *       array is {@code NOTFOUND}. A JSON string is accepted too (one value; empty is {@code
 *       NOTFOUND}).
 *   <li>{@code 404}: {@code NOTFOUND}. Any other {@code 4xx}: {@code PERM} (the request is wrong: a
 *       misconfiguration, which retrying will not fix).
 *   <li>{@code 5xx} and every other status ({@code 1xx}, {@code 3xx}, a {@code 2xx} other than
 *       {@code 200}): {@code TEMP}.
 *   <li>A {@code 200} whose body is not one of the two JSON shapes: {@code TEMP}, as
 *       postfix-rest-connector answers it. The application is broken, and a broken deploy is fixed
 *       by the next one: deferring keeps the mail, where {@code PERM} would bounce it.
 * </ul>
 *
 * <p>The status word comes from the HTTP status and the JSON shape only, never from the value.
 */
final class HttpAnswer {
  // ["a"] followed by anything else is not an answer either.
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

  private HttpAnswer() {}

  /** True for the statuses that say the node itself is not serving (a gateway or overload). */
  static boolean nodeUnavailable(int status) {
    return status == 502 || status == 503 || status == 504;
  }

  /**
   * The lookup's answer for a response.
   *
   * @param body the body as read (within the size limit); null when none was read
   */
  static LookupResult of(int status, @Nullable Buffer body, String separator) {
    if (status == 200) {
      return value(body == null ? Buffer.buffer() : body, separator);
    }
    if (status == 404) {
      return LookupResult.notFound();
    }
    if (status >= 400 && status < 500) {
      return LookupResult.perm("http status " + status + " (misconfigured request?)");
    }
    return LookupResult.temp("http status " + status);
  }

  private static LookupResult value(Buffer body, String separator) {
    JsonNode root;
    try {
      root = JSON.readTree(body.getBytes());
    } catch (JsonProcessingException e) {
      return invalid();
    } catch (IOException e) {
      return invalid();
    }
    if (root == null) {
      return invalid(); // an empty body
    }
    if (root.isTextual()) {
      return root.textValue().isEmpty()
          ? LookupResult.notFound()
          : LookupResult.found(root.textValue());
    }
    if (!root.isArray()) {
      return invalid();
    }
    if (root.isEmpty()) {
      return LookupResult.notFound();
    }
    StringJoiner joined = new StringJoiner(separator);
    for (JsonNode element : root) {
      if (!element.isTextual()) {
        return invalid();
      }
      joined.add(element.textValue());
    }
    String value = joined.toString();
    return value.isEmpty() ? LookupResult.notFound() : LookupResult.found(value);
  }

  private static LookupResult invalid() {
    return LookupResult.temp("http answer is not a JSON array of strings");
  }
}
